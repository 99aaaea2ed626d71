"""Text output: compiler-style findings for ``validate``; tables, shares and findings for ``compute``.

Colour comes from rich when asked for (``--color``, a terminal, no ``NO_COLOR``). User text is
never read as markup: every string from a file goes through ``safe.terminal`` and reaches
rich as plain ``Text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import IO, TYPE_CHECKING

from ftdisclose.engine.compute import RESULT_UNITS, Result
from ftdisclose.findings import Finding, Severity
from ftdisclose.io.discover import Skipped
from ftdisclose.output.base import Command, Reporter, location
from ftdisclose.output.numbers import RESULT_LABELS, fmt_number, readable
from ftdisclose.output.safe import terminal
from ftdisclose.output.view import Figures, FileReport, input_text

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TextReporter(Reporter):
    name = "text"

    def __init__(self, out: IO[str], *, command: Command = "validate", color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, command=command, color=color, verbosity=verbosity)

    @cached_property
    def console(self) -> Console:
        """The rich console, built on first use: a plain run that prints only lines never imports rich."""
        from rich.console import Console

        return Console(
            file=self.out,
            force_terminal=self.color,
            no_color=not self.color,
            highlight=False,
            soft_wrap=True,
            width=CONSOLE_WIDTH,
        )

    def _line(self, *parts: str | tuple[str, str]) -> None:
        if not self.color:  # without colour a styled line is its text: no console needed
            self.out.write("".join(part if isinstance(part, str) else part[0] for part in parts) + "\n")
            return
        from rich.text import Text

        self.console.print(Text.assemble(*parts), soft_wrap=True)

    def render(self, report: FileReport) -> None:
        if report.figures is not None:
            self._figures(report.file, report.figures)
        for f in report.findings:
            if self.shown(f):
                self.finding(f)
        if self.command == "validate" and self.verbosity >= 1 and report.valid:
            self._line((f"{terminal(report.file)}: valid", "green"))

    def finding(self, f: Finding) -> None:
        subject = f"{f.path}: " if f.path else ""
        style = _STYLE[f.severity]
        self._line(
            (terminal(location(f)), "bold"),
            ": ",
            (str(f.code), style),
            f" {f.rule} ",
            (f"[{f.severity}]", style),
            f" {terminal(subject + f.message)}",
        )
        if f.hint and self.verbosity >= 0:
            self._line(("    hint:", "dim"), f" {terminal(f.hint)}")

    def skip(self, items: Sequence[Skipped]) -> None:
        super().skip(items)
        if self.verbosity >= 1:
            for item in items:
                self._line((terminal(item.path), "dim"), (f": skipped ({terminal(item.reason)})", "dim"))

    def finish(self) -> None:
        s = self.summary
        if self.verbosity < 0 or (self.command != "validate" and s.files):
            return
        text = s.line()
        if s.skipped and self.verbosity < 1:
            text += " (-v lists them)"
        self._line((text, "green" if s.valid == s.files else "red"))

    # --- compute ---------------------------------------------------------------------

    def _figures(self, file: str, figures: Figures) -> None:
        self._line((terminal(file), "bold"), f"  (factor tables {figures.factors_version})")
        rows: list[tuple[str, str, str, str, str]] = []  # result, value, range, unit, the value's style
        for name in Result:
            if name in figures.results:
                shown = readable(figures.results[name])
                style = "bold" if name.endswith("total") else ""
                rows.append((RESULT_LABELS[name], shown.value, shown.range, shown.unit, style))
            elif name in figures.missing:
                rows.append((RESULT_LABELS[name], "not computed", "", RESULT_UNITS[name], "dim"))
        plain = None if self.color else table_lines(RESULT_COLUMNS, [row[:4] for row in rows])
        if plain is not None:
            self.out.write("".join(f"{line}\n" for line in plain))
        else:
            self._rich_table(rows)
        if self.verbosity < 0:
            return
        for name, reason in figures.missing.items():
            self._line(("not computed: ", "dim"), f"{RESULT_LABELS[name]}: {terminal(reason)}")
        if any(name.startswith("per_inference") for name in figures.results):
            self._line(
                (
                    "Per-inference figures spread the fine-tune over its use life; they are a separate view, "
                    "not part of an inference's own footprint.",
                    "dim",
                )
            )
        self._shares(figures)
        self._defaulted(figures)
        if figures.equivalences:
            self._line("")
            self._line(("For scale", "bold"), " (central total)")
            for eq in figures.equivalences:
                self._line(f"  {fmt_number(eq.amount, 2):>12}  {eq.label}")
        self._line("")

    def _rich_table(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_edge=False, header_style="bold")
        for column, justify in RESULT_COLUMNS:
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for label, value, span, unit, style in rows:
            table.add_row(label, Text(value, style=style), span, unit)
        self.console.print(table)

    def _shares(self, figures: Figures) -> None:
        r = figures.results
        for total, parts in (
            ("emissions.total", ("emissions.operational", "emissions.embodied")),
            ("water.total", ("water.onsite", "water.offsite", "water.embodied")),
        ):
            whole = next((m.mid for n, m in r.items() if n == total), 0.0)
            if whole <= 0:
                continue
            self._line("")
            self._line((RESULT_LABELS[next(n for n in r if n == total)], "bold"), ", by part")
            for name, measure in r.items():
                if name in parts:
                    share = measure.mid / whole
                    self._line(f"  {RESULT_LABELS[name]:<34} {_bar(share)} {share:6.1%}")
        if figures.stages:
            self._line("")
            self._line(("By stage", "bold"), " (runs summed by what they were for)")
            for stage, totals in figures.stages.items():
                stage_total = totals.get(Result.EMISSIONS_TOTAL)
                stage_energy = totals.get(Result.ENERGY_FACILITY)
                shown = f"{fmt_number(stage_total.to('kgCO2e').mid)} kgCO2e" if stage_total else "not computed"
                used = f", {fmt_number(stage_energy.to('kWh').mid)} kWh" if stage_energy else ""
                self._line(f"  {terminal(stage):<34} {shown}{used}")
        if figures.runs:
            self._line("")
            self._line(("Runs", "bold"))
            for run in figures.runs:
                self._line(
                    f"  {terminal(run.name):<34} {_bar(run.share)} {run.share:6.1%}  "
                    f"{readable(run.emissions).value} {readable(run.emissions).unit}"
                )

    def _defaulted(self, figures: Figures) -> None:
        defaulted = figures.defaulted()
        if not defaulted:
            return
        self._line("")
        self._line(("Defaulted inputs", "bold"), f" ({len(defaulted)}; disclose them to narrow the ranges)")
        for name, item in defaulted:
            self._line(f"  {name:<48} {terminal(input_text(item))}")


RESULT_COLUMNS = (("result", "left"), ("value", "right"), ("range (low - high)", "right"), ("unit", "left"))
CONSOLE_WIDTH = 110


def table_lines(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]]) -> list[str] | None:
    """The lines rich draws for a table without colour (no outer edge, a heavy header rule), or
    None where rich must lay it out itself (text that is not plain ASCII, has spaces at its
    ends, or is wider than the console).

    A plain run writes these instead of building rich's table, which costs about 5 ms a file
    (tests/test_output_text.py compares the two on every shipped example and generated figures).
    """
    cells = [[name for name, _ in columns], *rows]
    if not all(text.isascii() and text.isprintable() and text == text.strip() for row in cells for text in row):
        return None
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    if sum(widths) + 3 * len(widths) - 1 > CONSOLE_WIDTH:
        return None

    def line(row: Sequence[str], rule: str) -> str:
        return rule.join(
            f" {text.ljust(width) if justify == 'left' else text.rjust(width)} "
            for text, width, (_, justify) in zip(row, widths, columns, strict=True)
        )

    return [line(cells[0], "┃"), "╇".join("━" * (width + 2) for width in widths), *(line(row, "│") for row in rows)]


def _bar(share: float, width: int = 24) -> str:
    filled = max(0, min(width, round(share * width)))
    return "█" * filled + "·" * (width - filled)
