"""``compute --format html``: one self-contained page a person can open, mail or attach to a release.

Everything is inline: the style sheet, and the charts as SVG drawn here (bars for the
central values, a whisker for each range). The page makes no request of its own: a
Content-Security-Policy forbids every load, scripts included, so that a page opened from
an artefact store cannot reach out. Every piece of user text (file names, model and run
names, values, messages) goes through ``safe.html_text``; numbers read as in the other
formats (``output.numbers``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import IO

from ftdisclose._version import __version__
from ftdisclose.engine.compute import RESULT_UNITS, Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Finding
from ftdisclose.output.base import Command, Reporter, location
from ftdisclose.output.numbers import RESULT_LABELS, fmt_number, plain_decimals, readable
from ftdisclose.output.safe import html_text as h
from ftdisclose.output.view import Figures, FileReport, input_text

__all__ = ["HtmlReporter", "chart_svg", "page"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:64rem;color:#1d2327;
padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1.05rem;margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #e3e5e8;
text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#5c6670}.error{color:#b3261e}.warning{color:#8a5a00}.info{color:#1f5fa8}
code{font:13px ui-monospace,monospace;background:#f3f4f6;padding:0 .2rem;overflow-wrap:anywhere}
table.inputs td:first-child code{white-space:nowrap}
svg.chart{display:block;max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1d2327}
"""
COLOURS = {"emissions": "#2f6f4f", "water": "#2866a8", "energy": "#9a6a12"}
CHARTS: tuple[tuple[str, str, tuple[Result, ...]], ...] = (
    (
        "emissions",
        "Emissions by part",
        (Result.EMISSIONS_OPERATIONAL, Result.EMISSIONS_EMBODIED, Result.EMISSIONS_TOTAL),
    ),
    (
        "water",
        "Water by part",
        (Result.WATER_ONSITE, Result.WATER_OFFSITE, Result.WATER_EMBODIED, Result.WATER_TOTAL),
    ),
    ("energy", "Energy", (Result.ENERGY_IT, Result.ENERGY_FACILITY)),
)
_ROW, _LABEL, _PLOT, _RIGHT = 34, 250, 420, 170  # chart geometry, in SVG user units


def chart_svg(kind: str, title: str, rows: Sequence[tuple[str, Measure]]) -> str:
    """A horizontal bar chart: a bar to each central value, a whisker from low to high, the values beside."""
    if not rows:
        return ""
    unit = readable(max((m for _, m in rows), key=lambda m: abs(m.mid))).unit
    scaled = [(label, _in_unit(m, unit)) for label, m in rows]
    top = max((max(m.high, m.mid) for _, m in scaled), default=0.0) or 1.0
    width, height = _LABEL + _PLOT + _RIGHT, _ROW * len(rows) + 30
    colour = COLOURS.get(kind, "#444")
    parts = [
        f'<svg class="chart" data-chart="{h(kind)}" role="img" aria-label="{h(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{h(title)} ({h(unit)})</title>",
    ]
    for i, (label, measure) in enumerate(scaled):
        y = 10 + i * _ROW
        bar = _PLOT * max(0.0, measure.mid) / top
        low, high = (_LABEL + _PLOT * max(0.0, v) / top for v in (measure.low, measure.high))
        shown = readable(measure, unit=unit)
        parts += [
            f'<text x="{_LABEL - 8}" y="{y + 16}" text-anchor="end">{h(label)}</text>',
            f'<rect class="bar" x="{_LABEL}" y="{y + 4}" width="{bar:.1f}" height="16" fill="{colour}" '
            f'fill-opacity="0.8"><title>{h(str(shown))}</title></rect>',
        ]
        if high > low:
            parts.append(
                f'<path class="range" d="M{low:.1f} {y + 12}H{high:.1f}M{low:.1f} {y + 6}V{y + 18}'
                f'M{high:.1f} {y + 6}V{y + 18}" stroke="#1d2327" stroke-width="1.5" fill="none"/>'
            )
        parts.append(f'<text x="{_LABEL + _PLOT + 10}" y="{y + 16}">{h(_label_value(shown.value, shown.range))}</text>')
    parts.append(f'<text x="{_LABEL}" y="{height - 4}" class="muted">{h(unit)}; whiskers: low to high</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _label_value(value: str, spread: str) -> str:
    return value if spread == "-" else f"{value}  ({spread})"


def _in_unit(measure: Measure, unit: str) -> Measure:
    try:
        return measure.to(unit)
    except ValueError:
        return measure


def _charts(figures: Figures) -> str:
    out = []
    for kind, title, names in CHARTS:
        rows = [(RESULT_LABELS[n], figures.results[n]) for n in names if n in figures.results]
        if rows and any(math.isfinite(m.mid) for _, m in rows):
            out.append(f"<h3>{h(title)}</h3>\n{chart_svg(kind, title, rows)}")
    return "\n".join(out)


def _results_table(figures: Figures) -> str:
    rows = []
    for name in Result:
        if name in figures.results:
            shown = readable(figures.results[name])
            cells = f'<td class="n">{h(shown.value)}</td><td class="n">{h(shown.range)}</td><td>{h(shown.unit)}</td>'
        elif name in figures.missing:
            cells = f'<td colspan="2" class="muted">not computed: {h(figures.missing[name])}</td>'
            cells += f"<td>{h(RESULT_UNITS[name])}</td>"
        else:
            continue
        rows.append(f"<tr><th scope=row>{h(RESULT_LABELS[name])}</th>{cells}</tr>")
    head = "<tr><th>result</th><th>value</th><th>range (low - high)</th><th>unit</th></tr>"
    return f"<table class=results>{head}{''.join(rows)}</table>"


def _inputs_table(figures: Figures) -> str:
    rows = []
    for name, item in sorted(figures.inputs.items()):
        sources = ", ".join(_source(sid, figures.sources) for sid in item.sources)
        rows.append(
            f"<tr><td><code>{h(name)}</code></td><td>{h(input_text(item))}</td><td>{h(str(item.origin))}</td>"
            f"<td>{h(plain_decimals(item.detail))}{'<br>' + sources if sources else ''}</td></tr>"
        )
    head = "<tr><th>input</th><th>value</th><th>origin</th><th>how it was reached, and the source</th></tr>"
    return f"<table class=inputs>{head}{''.join(rows)}</table>"


def _source(sid: str, sources: Mapping[str, Mapping[str, str]]) -> str:
    row = sources.get(sid)
    if row is None:
        return f"<span class=muted>{h(sid)}</span>"
    text = f"{row.get('title', sid)[:140]} ({row.get('publisher', '')}, {row.get('license', '')})"
    url = row.get("url", "")
    if url.startswith(("https://", "http://")):  # a link is followed only when clicked: never a request on load
        return f'<a href="{h(url)}" rel="noreferrer noopener">{h(text)}</a>'
    return h(text)


def _findings(findings: Sequence[Finding]) -> str:
    if not findings:
        return "<p class=muted>No findings.</p>"
    items = []
    for f in findings:
        subject = f"<code>{h(f.path)}</code>: " if f.path else ""
        hint = f"<br><span class=muted>hint: {h(f.hint)}</span>" if f.hint else ""
        items.append(
            f'<li><span class="{h(str(f.severity))}">{h(str(f.code))} {h(f.rule)} [{h(str(f.severity))}]</span> '
            f"<code>{h(location(f))}</code> {subject}{h(f.message)}{hint}</li>"
        )
    return f"<ul class=findings>{''.join(items)}</ul>"


def file_section(report: FileReport) -> str:
    """One file's part of the page."""
    parts = [f"<section><h2>{h(report.file)}</h2>"]
    figures = report.figures
    if figures is None:
        parts.append("<p class=error>Not computed: the file has errors (below).</p>")
    else:
        parts += [
            f"<p class=muted>Factor tables {h(figures.factors_version)}; {len(figures.defaulted())} inputs were "
            "filled from defaults. Central values, with the range the inputs allow.</p>",
            _results_table(figures),
            _charts(figures),
        ]
        if figures.equivalences:
            items = "".join(f"<li>{h(fmt_number(eq.amount, 2))} {h(eq.label)}</li>" for eq in figures.equivalences)
            parts.append(f"<h3>For scale (central total)</h3><ul class=equivalences>{items}</ul>")
        parts += ["<h3>Inputs, their origins and sources</h3>", _inputs_table(figures)]
    parts += ["<h3>Findings</h3>", _findings(report.findings), "</section>"]
    return "\n".join(parts)


def page(sections: Sequence[str], title: str) -> str:
    """The whole self-contained HTML document."""
    body = "\n".join(sections) or "<p>Nothing to compute: no disclosure or model card with carbon metadata found.</p>"
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name=viewport content="width=device-width, initial-scale=1">\n'
        f"<title>{h(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{h(title)}</h1>\n{body}\n"
        f"<p class=muted>Computed by ftdisclose {h(__version__)}.</p>\n</body>\n</html>\n"
    )


class HtmlReporter(Reporter):
    name = "html"

    def __init__(self, out: IO[str], *, command: Command = "compute", color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, command=command, color=color, verbosity=verbosity)
        self._sections: list[str] = []

    def render(self, report: FileReport) -> None:
        shown = [f for f in report.findings if self.shown(f)]
        self._sections.append(
            file_section(FileReport(report.file, report.kind, report.spec_version, tuple(shown), report.figures))
        )

    def finish(self) -> None:
        self.out.write(page(self._sections, "Fine-tuning footprint"))


def charts_document(results: Mapping[Result, Measure]) -> str:
    """The emissions and water charts as one standalone SVG file (for ``card --svg``)."""
    blocks: list[tuple[str, str, int]] = []
    for kind, title, names in CHARTS[:2]:
        rows = [(RESULT_LABELS[n], results[n]) for n in names if n in results]
        if rows:
            blocks.append((title, chart_svg(kind, title, rows), _ROW * len(rows) + 30))
    width = _LABEL + _PLOT + _RIGHT
    height = sum(h_ + 30 for _, _, h_ in blocks) + 10
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        "<style>text{font:12px system-ui,-apple-system,sans-serif;fill:#1d2327}.head{font-weight:600;font-size:14px}"
        ".muted{fill:#5c6670}</style>",
    ]
    y = 10
    for title, svg, block_height in blocks:
        parts.append(f'<text class="head" x="10" y="{y + 14}">{h(title)}</text>')
        parts.append(svg.replace("<svg ", f'<svg x="0" y="{y + 20}" ', 1))
        y += block_height + 30
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
