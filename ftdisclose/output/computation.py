"""Report stage for computations: JSON (the CLI contract), text (rich) and Markdown.

Results are data (``Computation``); these functions only render them. The JSON form
has no wall-clock timestamps, so the same input and factor version give the same bytes.
"""

from __future__ import annotations

import io
import json
from typing import IO, Any

from ftdisclose._version import __version__
from ftdisclose.engine.compute import RESULT_UNITS, Computation
from ftdisclose.engine.span import Span
from ftdisclose.findings import Finding, Severity

RESULT_LABELS: dict[str, str] = {
    "energy.it": "Energy, IT equipment",
    "energy.facility": "Energy, facility (x PUE)",
    "emissions.operational": "Emissions, operational",
    "emissions.embodied": "Emissions, embodied (amortised)",
    "emissions.total": "Emissions, total",
    "water.onsite": "Water, on-site cooling",
    "water.offsite": "Water, electricity generation",
    "water.embodied": "Water, manufacturing",
    "water.total": "Water, total",
    "per_inference.emissions": "Per inference, emissions (amortised)",
    "per_inference.water": "Per inference, water (amortised)",
}

EQUIVALENCE_LABELS: dict[str, str] = {
    "car_km_eu": "km driven by an average European car",
    "car_km_us": "km driven by an average US car",
    "person_year_dk": "years of an average Dane's emissions",
    "tree_year": "tree-years of CO2 uptake",
    "flight_paris_london": "passenger flights Paris-London",
    "flight_new_york_san_francisco": "passenger flights New York-San Francisco",
    "us_home_energy_year": "years of an average US home's energy use",
}


def _num(value: float) -> float:
    return float(f"{value:.10g}")


def quantity(span: Span, unit: str) -> dict[str, Any]:
    return {"value": _num(span.mid), "unit": unit, "low": _num(span.low), "high": _num(span.high)}


def _nested(computation: Computation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in RESULT_UNITS:
        if name not in computation.results:
            continue
        group, key = name.split(".")
        out.setdefault(group, {})[key] = quantity(computation.results[name], RESULT_UNITS[name])
    return out


def to_dict(computation: Computation, *, file: str, spec_version: str, findings: list[Finding]) -> dict[str, Any]:
    """The ``compute --format json`` document of one file."""
    doc: dict[str, Any] = {
        "tool_version": __version__,
        "spec_version": spec_version,
        "factors_version": computation.factors_version,
        "file": file,
        "results": _nested(computation),
        "inputs": {path: item.as_dict() for path, item in sorted(computation.inputs.items())},
        "findings": [f.as_dict() for f in findings],
    }
    if computation.runs:
        doc["runs"] = [
            {"name": run["name"], "share": _num(run["share"]), "emissions": quantity(run["emissions"], "kgCO2e")}
            for run in computation.runs
        ]
    return doc


class JsonStream:
    """``compute --format json``: one file gives one indented object; several give a JSON array,
    written file by file (one compact document a line), so memory stays flat however many."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first: dict[str, Any] | None = None
        self.count = 0

    def add(self, doc: dict[str, Any]) -> None:
        self.count += 1
        if self.count == 1:
            self.first = doc
            return
        if self.count == 2:
            self.out.write("[\n" + json.dumps(self.first, ensure_ascii=False, separators=(",", ":")))
            self.first = None
        self.out.write(",\n" + json.dumps(doc, ensure_ascii=False, separators=(",", ":")))

    def close(self) -> None:
        if self.count == 1:
            self.out.write(json.dumps(self.first, indent=2, ensure_ascii=False) + "\n")
        elif self.count > 1:
            self.out.write("\n]\n")
        else:
            self.out.write("[]\n")


def fmt_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        return f"{value:.3g}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def fmt_range(span: Span) -> str:
    return "-" if span.low == span.high == span.mid else f"{fmt_number(span.low)} - {fmt_number(span.high)}"


def _bar(share: float, width: int = 24) -> str:
    filled = round(share * width)
    return "█" * filled + "·" * (width - filled)


def shares(computation: Computation) -> list[tuple[str, list[tuple[str, float]]]]:
    """The split of emissions and water into parts (central values)."""
    r = computation.results
    out = []
    for total, parts in (
        ("emissions.total", ("emissions.operational", "emissions.embodied")),
        ("water.total", ("water.onsite", "water.offsite", "water.embodied")),
    ):
        whole = r[total].mid
        if whole > 0:
            out.append((total, [(p, r[p].mid / whole) for p in parts]))
    return out


def equivalences(computation: Computation) -> list[tuple[str, float]]:
    """The total set beside everyday amounts from the equivalences table (never mixed into results)."""
    factors = computation.resolution.factors
    total_g = computation.results["emissions.total"].mid * 1000
    energy_kwh = computation.results["energy.facility"].mid
    out = []
    for row in factors.rows("equivalences"):
        value = row.number("value")
        if not value:
            continue
        unit = row["unit"]
        label = EQUIVALENCE_LABELS.get(row["key"], row["key"].replace("_", " "))
        if unit == "gCO2e/km":
            out.append((label, total_g / value))
        elif unit == "kgCO2e":
            out.append((label, total_g / 1000 / value))
        elif unit == "kWh" and row["key"] == "image_generation":
            out.append(("images generated, for the same energy", energy_kwh / value))
    return out


def render_text(
    computation: Computation, *, file: str, findings: list[Finding], out: IO[str], color: bool, verbosity: int = 0
) -> None:
    """The human report: a results table, shares as bars, defaulted inputs, equivalences.

    Notes (info findings) are shown with ``verbosity >= 1`` (``-v``)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=not color, highlight=False, width=110)
    console.print(f"[bold]{file}[/]  (factor tables {computation.factors_version})")
    table = Table(show_edge=False, header_style="bold")
    table.add_column("result")
    table.add_column("value", justify="right")
    table.add_column("range (low - high)", justify="right")
    table.add_column("unit")
    for name, unit in RESULT_UNITS.items():
        if name in computation.results:
            span = computation.results[name]
            style = "bold" if name.endswith("total") else ""
            table.add_row(
                RESULT_LABELS[name],
                f"[{style}]{fmt_number(span.mid)}[/]" if style else fmt_number(span.mid),
                fmt_range(span),
                unit,
            )
    console.print(table)
    if "per_inference.emissions" in computation.results:
        console.print(
            "[dim]Per-inference figures spread the fine-tune over its use life; they are a separate "
            "view, not part of an inference's own footprint.[/]"
        )
    for total, parts in shares(computation):
        console.print(f"\n[bold]{RESULT_LABELS[total]}[/], by part")
        for part, share in parts:
            console.print(f"  {RESULT_LABELS[part]:<34} {_bar(share)} {share:6.1%}")
    if computation.runs:
        console.print("\n[bold]Runs[/]")
        for run in computation.runs:
            console.print(
                f"  {run['name']:<34} {_bar(run['share'])} {run['share']:6.1%}  "
                f"{fmt_number(run['emissions'].mid)} kgCO2e"
            )
    defaulted = [
        (p, i)
        for p, i in sorted(computation.inputs.items())
        if i.origin == "default" and (p in computation.used or isinstance(i.value, str))
    ]
    if defaulted:
        console.print(f"\n[bold]Defaulted inputs[/] ({len(defaulted)}; disclose them to narrow the ranges)")
        for path, item in defaulted:
            value = f"{fmt_number(item.value)}" if isinstance(item.value, float) else str(item.value)
            unit = f" {item.unit}" if item.unit and item.unit != "1" else ""
            console.print(f"  {path:<48} {value}{unit}")
    eq = equivalences(computation)
    if eq:
        console.print("\n[bold]For scale[/] (central total)")
        for label, amount in eq:
            console.print(f"  {fmt_number(amount):>12}  {label}")
    for f in findings:
        if f.severity is Severity.INFO and verbosity < 1:
            continue
        colour = {Severity.ERROR: "red", Severity.WARNING: "yellow"}.get(f.severity, "cyan")
        where = f"{f.file}:{f.line}:{f.column}" if f.line else f.file
        console.print(f"[{colour}]{where}: {f.code} {f.rule} [{f.severity}][/] {f.message}")


def render_markdown(computation: Computation, *, file: str, findings: list[Finding]) -> str:
    """A Markdown summary for model cards and ``$GITHUB_STEP_SUMMARY``."""
    buf = io.StringIO()
    buf.write(f"### Fine-tuning footprint: `{file}`\n\n")
    buf.write("| result | value | range | unit |\n|---|---:|---:|---|\n")
    for name, unit in RESULT_UNITS.items():
        if name in computation.results:
            span = computation.results[name]
            buf.write(f"| {RESULT_LABELS[name]} | {fmt_number(span.mid)} | {fmt_range(span)} | {unit} |\n")
    defaulted = sum(1 for i in computation.inputs.values() if i.origin == "default")
    buf.write(
        f"\nComputed by ftdisclose {__version__} with factor tables {computation.factors_version}; "
        f"{defaulted} inputs were filled from defaults.\n"
    )
    problems = [f for f in findings if f.severity is not Severity.INFO]
    if problems:
        buf.write("\n" + "\n".join(f"- **{f.code}** {f.rule}: {f.message}" for f in problems) + "\n")
    return buf.getvalue()
