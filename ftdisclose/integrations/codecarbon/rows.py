"""Reading CodeCarbon emissions.csv files: rows to runs, one file at a time, in bounded memory.

A file is streamed row by row (a million rows of cumulative flushes take a few MB): of each
run only its last flush is kept, lines are read up to MAX_LINE characters, a file holds at
most MAX_RUNS runs, and only a regular file is opened. Cells are checked on the way: a
duration of 1e308 s or a timestamp in year 1 is a finding, not a crash, and a PUE outside
1..5 (1e-320 would make the energy infinite) is not divided out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ftdisclose.findings import CATALOGUE, Code, Finding, Severity
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.io.files import ReadRefusedError, open_regular
from ftdisclose.io.limits import Limits

IMPORT_KEY = "x-ftdisclose-import"
COMBINE_CHOICES = ("runs", "last", "sum")
REQUIRED_COLUMNS = ("duration", "energy_consumed")
COMPONENTS = ("gpu", "cpu", "ram")
EMPTY = {"", "nan", "none", "null", "na", "n/a"}
MAX_LINE = 1 << 20  # characters of one CSV line
MAX_RUNS = Limits().max_runs  # runs of one file: more could not be validated once imported
MAX_DURATION = 10 * 365 * 86_400.0  # s: ten years
MAX_ENERGY = 1e9  # kWh of one row: a terawatt-hour
PUE_RANGE = (1.0, 5.0)
FIRST_YEAR, LAST_YEAR = 1970, 2100
_E, _W = Severity.ERROR, Severity.WARNING


def make_finding(
    code: Code,
    message: str,
    *,
    file: str,
    line: int | None = None,
    path: str = "",
    hint: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    rule = CATALOGUE[code]
    return Finding(
        code, rule.slug, severity or rule.severity, message, rule.hint if hint is None else hint, file, line, None, path
    )


@dataclass
class Run:
    """One CodeCarbon run: the last flush of its rows."""

    file: str
    line: int
    cells: dict[str, str]
    flushes: int
    duration: float  # s
    energy_consumed: float  # kWh as written (PUE included)
    pue: float
    pue_stated: bool  # the file has a pue column
    end: dt.datetime | None  # as written: naive local time, or aware if the file says so

    @property
    def energy(self) -> float:
        """IT energy, kWh: CodeCarbon's PUE divided out."""
        return self.energy_consumed / self.pue

    @property
    def name(self) -> str:
        run_id = self.cells.get("run_id", "").strip()
        task = self.cells.get("task_name", "").strip()
        if run_id and task:
            return f"{run_id}/{task}"
        return run_id or task or f"{Path(self.file).name}:{self.line}"

    def component(self, part: str) -> float | None:
        value = number(self.cells.get(f"{part}_energy"))
        return None if value is None else value / self.pue


@dataclass
class File:
    path: str
    header: list[str]
    rows: int
    runs: list[Run]
    era: str


@dataclass
class Context:
    timezone: dt.tzinfo | None
    timezone_name: str | None
    findings: list[Finding] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    warned_no_zone: bool = False
    run_limit_hit: bool = False

    def add(self, code: Code, message: str, **kw: Any) -> None:
        self.findings.append(make_finding(code, message, **kw))


# --- reading ---------------------------------------------------------------------------


def number(text: str | None) -> float | None:
    """A finite float, or None for an empty or unreadable cell."""
    if text is None or text.strip().lower() in EMPTY:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def is_blank(text: str | None) -> bool:
    return text is None or text.strip().lower() in EMPTY


def _era(header: Iterable[str]) -> str:
    cols = set(header)
    if "run_id" not in cols:
        era = "1.x"
    elif "cpu_utilization_percent" in cols:
        era = "3.2+"
    elif "water_consumed" in cols:
        era = "3.1"
    elif "experiment_id" in cols:
        era = "2.7-3.0"
    elif "pue" in cols:
        era = "2.3-2.6"
    elif "codecarbon_version" in cols:
        era = "2.2"
    else:
        era = "2.0-2.1"
    return era + (" task mode" if "task_name" in cols else "")


def _parse_time(text: str | None) -> dt.datetime | None:
    if is_blank(text):
        return None
    assert text is not None
    try:
        moment = dt.datetime.fromisoformat(text.strip()[:40])
    except ValueError:
        return None
    return moment if FIRST_YEAR <= moment.year < LAST_YEAR else None


def read_file(path: Path, ctx: Context) -> File | None:
    """One file's runs (the last flush of each), in time order; None (with a finding) when nothing is read.

    The file is read as UTF-8; if it is not, it is read again as Windows-1252 (CodeCarbon
    writes the locale's encoding), and only the second reading's findings are kept.
    """
    name = str(path)
    for encoding in ("utf-8-sig", "cp1252"):
        local = Context(ctx.timezone, ctx.timezone_name)
        try:
            with open_regular(path) as raw:
                text = io.TextIOWrapper(raw, encoding=encoding, errors="strict" if encoding != "cp1252" else "replace")
                result = _read_stream(text, name, local)
        except ReadRefusedError as exc:
            ctx.add(Code.UNREADABLE, exc.message, file=name)
            return None
        except UnicodeDecodeError:
            message = "the file is not UTF-8; read as Windows-1252 (CodeCarbon writes the locale's encoding)"
            ctx.add(Code.CSV_BAD_VALUE, message, file=name, line=1)
            continue
        ctx.findings.extend(local.findings)
        return result
    return None  # pragma: no cover - Windows-1252 with replacement always decodes


def _lines(text: IO[str], name: str) -> Iterator[str]:
    while True:
        line = text.readline(MAX_LINE)
        if not line:
            return
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            raise csv.Error(f"a line longer than {MAX_LINE:,} characters")
        yield line


@dataclass
class _Group:
    """The rows of one run seen so far: only the flushes that can still be the last are kept."""

    by_line: Run
    by_time: Run | None
    flushes: int = 1

    def add(self, run: Run) -> None:
        self.flushes += 1
        self.by_line = run  # rows arrive in line order
        if self.by_time is not None and run.end is not None:
            if (time_key(run), run.line) > (time_key(self.by_time), self.by_time.line):
                self.by_time = run
        else:
            self.by_time = None  # a flush without a timestamp: the latest line wins

    def last(self) -> Run:
        """The last of a run's cumulative flushes: latest timestamp, then latest line."""
        run = self.by_time or self.by_line
        run.flushes = self.flushes
        return run


def _read_stream(text: IO[str], name: str, ctx: Context) -> File | None:
    reader = csv.reader(_lines(text, name))
    try:
        header = [h.strip() for h in next(reader, [])]
        if not _usable_header(header, name, ctx):
            return None
        groups: dict[tuple[str, str] | int, _Group] = {}
        count = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            run = _read_row(name, reader.line_num, header, row, ctx)
            if run is not None:
                _group(groups, run, ctx)
    except csv.Error as exc:
        ctx.add(Code.CSV_NOT_CODECARBON, f"the CSV cannot be read: {exc}", file=name, line=reader.line_num)
        return None
    runs = _in_time_order([g.last() for g in groups.values()])
    _ambiguous(runs, header, name, ctx)
    _check_overlaps(runs, ctx)
    return File(name, header, count, runs, _era(header))


def _usable_header(header: list[str], name: str, ctx: Context) -> bool:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    twice = sorted({h for h in header if header.count(h) > 1})
    if not header or missing:
        what = "the file is empty" if not header else f"no {' or '.join(missing)} column"
        ctx.add(Code.CSV_NOT_CODECARBON, f"{what}: not a CodeCarbon emissions.csv", file=name, line=1)
        return False
    if twice:
        named = ", ".join(excerpt(h, 30) for h in twice[:5])
        message = f"the header names {named} twice: which one is meant cannot be told; nothing is imported"
        ctx.add(Code.CSV_NOT_CODECARBON, message, file=name, line=1)
        return False
    return True


def _group(groups: dict[tuple[str, str] | int, _Group], run: Run, ctx: Context) -> None:
    run_id = run.cells.get("run_id", "").strip()
    key: tuple[str, str] | int = (run_id, run.cells.get("task_name", "").strip()) if run_id else run.line
    group = groups.get(key)
    if group is not None:
        group.add(run)
    elif len(groups) < MAX_RUNS:
        groups[key] = _Group(run, run if run.end is not None else None)
    elif not ctx.run_limit_hit:
        ctx.run_limit_hit = True
        message = f"the file holds more than {MAX_RUNS} runs; the runs from this line on are not imported"
        ctx.add(Code.RUN_LIMIT, message, file=run.file, line=run.line, path="operational.runs")


def _ambiguous(runs: list[Run], header: list[str], name: str, ctx: Context) -> None:
    if len(runs) > 1 and "run_id" not in header:
        ctx.add(
            Code.IMPORT_AMBIGUOUS_RUNS,
            f"{len(runs)} rows without run_id are read as {len(runs)} separate runs",
            file=name,
            line=runs[0].line,
        )
    elif sum(1 for r in runs if not r.cells.get("run_id", "").strip()) > 1:
        ctx.add(
            Code.IMPORT_AMBIGUOUS_RUNS,
            "several rows have an empty run_id; each is read as a separate run",
            file=name,
            line=runs[0].line,
        )


def _read_row(name: str, line: int, header: list[str], row: list[str], ctx: Context) -> Run | None:
    if len(row) != len(header):
        ctx.add(
            Code.CSV_BAD_ROW,
            f"the row has {len(row)} cells but the header has {len(header)} columns; it is skipped",
            file=name,
            line=line,
        )
        return None
    cells = dict(zip(header, row, strict=True))
    duration = number(cells["duration"])
    energy = number(cells["energy_consumed"])
    for column, value, limit, unit in (
        ("duration", duration, MAX_DURATION, "s"),
        ("energy_consumed", energy, MAX_ENERGY, "kWh"),
    ):
        if value is None or not 0 <= value <= limit:
            what = "is not a non-negative number" if value is None or value < 0 else f"is more than {limit:g} {unit}"
            message = f"{column} {excerpt(cells[column], 40)} {what}; the row is skipped"
            ctx.add(Code.CSV_BAD_ROW, message, file=name, line=line)
            return None
    assert duration is not None and energy is not None
    pue, stated = _pue(cells, name, line, ctx), "pue" in cells
    end = _parse_time(cells.get("timestamp"))
    if end is None and not is_blank(cells.get("timestamp")):
        ctx.add(
            Code.CSV_BAD_VALUE,
            f"timestamp {excerpt(cells['timestamp'], 40)} is not ISO 8601 within {FIRST_YEAR}-{LAST_YEAR}",
            file=name,
            line=line,
            path="operational.start",
        )
    return Run(name, line, cells, 1, duration, energy, pue, stated, end)


def _pue(cells: dict[str, str], name: str, line: int, ctx: Context) -> float:
    """The PUE CodeCarbon multiplied the energies by (1 without the column, or when it is not 1..5)."""
    if "pue" not in cells:
        return 1.0
    value = number(cells["pue"])
    low, high = PUE_RANGE
    if value is None or not low <= value <= high:
        ctx.add(
            Code.CSV_BAD_VALUE,
            f"pue {excerpt(cells['pue'], 40)} is not a PUE between {low:g} and {high:g}; "
            "the energy is taken as written (PUE 1)",
            file=name,
            line=line,
            path="operational.energy.value",
        )
        return 1.0
    return value


def time_key(run: Run) -> float:
    assert run.end is not None
    end = run.end if run.end.tzinfo is None else run.end.astimezone(dt.UTC).replace(tzinfo=None)
    return (end - dt.datetime(1970, 1, 1)).total_seconds()


def _in_time_order(runs: list[Run]) -> list[Run]:
    if all(r.end is not None for r in runs):
        return sorted(runs, key=lambda r: (time_key(r), r.line))
    return sorted(runs, key=lambda r: r.line)


def window(run: Run) -> tuple[float, float] | None:
    if run.end is None:
        return None
    end = time_key(run)
    return end - run.duration, end


def _check_overlaps(runs: list[Run], ctx: Context) -> None:
    for before, after in itertools.pairwise(runs):
        a, b = window(before), window(after)
        if a is not None and b is not None and b[0] < a[1] - 1.0:
            ctx.add(
                Code.IMPORT_MERGE_CONFLICT,
                f"runs {before.name} and {after.name} overlap in time in one file: two trackers "
                "measured at once, and in machine mode both counted the whole machine",
                file=after.file,
                line=after.line,
            )
