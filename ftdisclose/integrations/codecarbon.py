"""CodeCarbon ``emissions.csv`` -> a spec-1.0 disclosure.

Every header CodeCarbon has written since 1.x is read by column name: 1.x (12 columns,
no run_id, a fresh ``experiment_id`` per row), 2.0 (run_id, power and energy per
component, hardware), 2.2 (+ codecarbon_version), 2.3 (+ pue), 2.7 (+ experiment_id),
3.1 (+ water_consumed, wue), 3.2 (+ utilisation columns), and task mode (+ task_name).

What CodeCarbon's columns mean, from its source (mlco2/codecarbon):

- ``energy_consumed`` and the ``*_energy`` columns are kWh *multiplied by* the ``pue``
  column (``energy *= self._pue``); files without the column (before 2.3) used none.
  The IT energy is ``energy_consumed / pue``.
- ``duration`` is seconds. ``timestamp`` is ``datetime.now()`` formatted without a zone,
  taken when the row was written, i.e. at the *end* of the measured span: the run is
  ``[timestamp - duration, timestamp]`` in the machine's local time.
- ``country_iso_code`` is ISO 3166-1 alpha-3; ``gpu_model`` is
  ``"".join(f"{n} x {name}")`` over the GPU names, so mixed models run together;
  ``cpu_count`` is logical CPUs (threads, or SLURM's NumCPUs), not sockets;
  ``ram_total_size`` is bytes / 1024**3, i.e. GiB, although CodeCarbon labels it GB.
- Utilisation columns are the mean of the samples in percent, and 0 when no sample was
  taken. ``emissions`` is kg from CodeCarbon's own (usually yearly national) intensity.

How rows become one disclosure:

1. Rows that repeat a ``run_id`` (with ``task_name`` in task mode) are cumulative
   flushes of one run: the last one is kept (latest timestamp, then latest line).
   Rows without a run_id are separate runs (1.x had no flushes).
2. Several files are parallel ranks (one per process or GPU). Their runs are matched by
   order in time: the k-th run of every file is one run of the job. Within such a run,
   energies and GPU counts add, the duration is the longest rank's, the start the
   earliest, the end the latest, memory the largest (ranks on one node share it).
3. The job's runs are combined: ``runs`` (default) sums energies and durations and lists
   every run under ``operational.runs`` when there are several; ``sum`` sums without
   listing; ``last`` keeps the last run only. Start and end are written for one run.

Nothing that the CSV does not state is written. CodeCarbon's emissions, carbon intensity,
CPU thread count and region are kept under ``x-ftdisclose-import`` only: they are
CodeCarbon's assumptions or have no spec field with the same meaning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ftdisclose.findings import CATALOGUE, Code, Finding, Severity
from ftdisclose.resources import data_root

IMPORT_KEY = "x-ftdisclose-import"
COMBINE_CHOICES = ("runs", "last", "sum")
REQUIRED_COLUMNS = ("duration", "energy_consumed")
COMPONENTS = ("gpu", "cpu", "ram")
_EMPTY = {"", "nan", "none", "null", "na", "n/a"}
_GPU_PART = re.compile(r"(\d+) x ")
_VERSION_DIR = re.compile(r"^\d{4}\.\d+$")
_E, _W = Severity.ERROR, Severity.WARNING


def _make(
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
class ImportResult:
    """A disclosure (plain data, ready for ``dump_yaml``) and what the import found."""

    disclosure: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


@dataclass
class _Run:
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
        value = _number(self.cells.get(f"{part}_energy"))
        return None if value is None else value / self.pue


@dataclass
class _File:
    path: str
    header: list[str]
    rows: int
    runs: list[_Run]
    era: str


@dataclass
class _Context:
    timezone: dt.tzinfo | None
    timezone_name: str | None
    findings: list[Finding] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    warned_no_zone: bool = False

    def add(self, code: Code, message: str, **kw: Any) -> None:
        self.findings.append(_make(code, message, **kw))


# --- reading ---------------------------------------------------------------------------


def _number(text: str | None) -> float | None:
    """A finite float, or None for an empty or unreadable cell."""
    if text is None or text.strip().lower() in _EMPTY:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_blank(text: str | None) -> bool:
    return text is None or text.strip().lower() in _EMPTY


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


def _decode(raw: bytes, name: str, ctx: _Context) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # CodeCarbon opens the file in the locale's encoding: Windows writes cp1252
        ctx.add(
            Code.CSV_BAD_VALUE,
            "the file is not UTF-8; read as Windows-1252 (CodeCarbon writes the locale's encoding)",
            file=name,
            line=1,
        )
        return raw.decode("cp1252", errors="replace")


def _parse_time(text: str | None) -> dt.datetime | None:
    if _is_blank(text):
        return None
    assert text is not None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def _read_file(path: Path, ctx: _Context) -> _File | None:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        ctx.add(Code.UNREADABLE, exc.strerror or str(exc), file=name)
        return None
    text = _decode(raw, name, ctx)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        ctx.add(Code.CSV_NOT_CODECARBON, f"the CSV cannot be read: {exc}", file=name, line=reader.line_num)
        return None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not header or missing:
        what = "the file is empty" if not header else f"no {' or '.join(missing)} column"
        ctx.add(Code.CSV_NOT_CODECARBON, f"{what}: not a CodeCarbon emissions.csv", file=name, line=1)
        return None
    groups: dict[tuple[str, str] | int, list[_Run]] = {}
    count = 0
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        run = _read_row(name, line, header, row, ctx)
        if run is None:
            continue
        run_id = run.cells.get("run_id", "").strip()
        key: tuple[str, str] | int = (run_id, run.cells.get("task_name", "").strip()) if run_id else line
        groups.setdefault(key, []).append(run)
    runs = [_last_flush(rows) for rows in groups.values()]
    runs = _in_time_order(runs)
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
    _check_overlaps(runs, ctx)
    return _File(name, header, count, runs, _era(header))


def _read_row(name: str, line: int, header: list[str], row: list[str], ctx: _Context) -> _Run | None:
    if len(row) != len(header):
        ctx.add(
            Code.CSV_BAD_ROW,
            f"the row has {len(row)} cells but the header has {len(header)} columns; it is skipped",
            file=name,
            line=line,
        )
        return None
    cells = dict(zip(header, row, strict=True))
    duration = _number(cells["duration"])
    energy = _number(cells["energy_consumed"])
    if duration is None or energy is None or duration < 0 or energy < 0:
        bad = "duration" if duration is None or duration < 0 else "energy_consumed"
        ctx.add(
            Code.CSV_BAD_ROW,
            f"{bad} {cells[bad]!r} is not a non-negative number; the row is skipped",
            file=name,
            line=line,
        )
        return None
    pue, stated = 1.0, "pue" in cells
    if stated:
        value = _number(cells["pue"])
        if value is None or value <= 0:
            ctx.add(
                Code.CSV_BAD_VALUE,
                f"pue {cells['pue']!r} cannot be read; the energy is taken as written (PUE 1)",
                file=name,
                line=line,
                path="operational.energy.value",
            )
        else:
            pue = value
    end = _parse_time(cells.get("timestamp"))
    if end is None and not _is_blank(cells.get("timestamp")):
        ctx.add(
            Code.CSV_BAD_VALUE,
            f"timestamp {cells['timestamp']!r} is not ISO 8601",
            file=name,
            line=line,
            path="operational.start",
        )
    return _Run(name, line, cells, 1, duration, energy, pue, stated, end)


def _time_key(run: _Run) -> float:
    assert run.end is not None
    end = run.end if run.end.tzinfo is None else run.end.astimezone(dt.UTC).replace(tzinfo=None)
    return (end - dt.datetime(1970, 1, 1)).total_seconds()


def _last_flush(rows: list[_Run]) -> _Run:
    """The last of a run's cumulative flushes: latest timestamp, then latest line."""
    if all(r.end is not None for r in rows):
        last = max(rows, key=lambda r: (_time_key(r), r.line))
    else:
        last = max(rows, key=lambda r: r.line)
    last.flushes = len(rows)
    return last


def _in_time_order(runs: list[_Run]) -> list[_Run]:
    if all(r.end is not None for r in runs):
        return sorted(runs, key=lambda r: (_time_key(r), r.line))
    return sorted(runs, key=lambda r: r.line)


def _window(run: _Run) -> tuple[float, float] | None:
    if run.end is None:
        return None
    end = _time_key(run)
    return end - run.duration, end


def _check_overlaps(runs: list[_Run], ctx: _Context) -> None:
    for before, after in itertools.pairwise(runs):
        a, b = _window(before), _window(after)
        if a is not None and b is not None and b[0] < a[1] - 1.0:
            ctx.add(
                Code.IMPORT_MERGE_CONFLICT,
                f"runs {before.name} and {after.name} overlap in time in one file: two trackers "
                "measured at once, and in machine mode both counted the whole machine",
                file=after.file,
                line=after.line,
            )


# --- merging ---------------------------------------------------------------------------


@dataclass
class _JobRun:
    """The k-th run of every file: one run of a job, its ranks side by side."""

    ranks: list[_Run]

    @property
    def energy(self) -> float:
        return sum(r.energy for r in self.ranks)

    @property
    def duration(self) -> float:
        return max(r.duration for r in self.ranks)

    @property
    def name(self) -> str:
        return self.ranks[0].name


def _align(files: list[_File], ctx: _Context) -> list[_JobRun]:
    counts = [len(f.runs) for f in files if f.runs]
    if len(set(counts)) > 1:
        ctx.add(
            Code.IMPORT_MERGE_CONFLICT,
            f"the files hold different numbers of runs ({', '.join(map(str, counts))}); "
            "runs are matched by their order in time",
            file=files[0].path,
        )
    jobs: list[_JobRun] = []
    for k in range(max(counts, default=0)):
        ranks = [f.runs[k] for f in files if k < len(f.runs)]
        windows = [w for w in (_window(r) for r in ranks) if w is not None]
        if len(windows) > 1 and max(w[0] for w in windows) > min(w[1] for w in windows):
            ctx.add(
                Code.IMPORT_MERGE_CONFLICT,
                f"run {k + 1} of the files does not overlap in time across files; are these ranks of one job?",
                file=ranks[-1].file,
                line=ranks[-1].line,
            )
        jobs.append(_JobRun(ranks))
    if len(files) > 1:
        machine = [f for f in files if f.runs and f.runs[-1].cells.get("tracking_mode", "").strip() == "machine"]
        many = [f for f in machine if (_count(f.runs[-1].cells.get("gpu_count")) or 0) > 1]
        if len(many) > 1:
            ctx.add(
                Code.IMPORT_MERGE_CONFLICT,
                f"{len(many)} files were tracked in machine mode and each saw several GPUs: "
                "if they are ranks on one node, each measured the whole node and the sum counts it "
                f"{len(many)} times",
                file=many[1].path,
                line=many[1].runs[-1].line,
                path="operational.energy.value",
            )
    return jobs


def _count(text: str | None) -> int | None:
    value = _number(text)
    if value is None or value < 0 or abs(value - round(value)) > 1e-9:
        return None
    return round(value)


def parse_gpu_model(text: str, total: int | None = None) -> list[tuple[str, int | None]]:
    """``"4 x NVIDIA A100-SXM4-80GB"`` -> ``[("NVIDIA A100-SXM4-80GB", 4)]``.

    CodeCarbon joins ``f"{n} x {name}"`` parts with no separator, so a count can stick to
    the digits that end the previous name (``RTX 30601 x Tesla T4``). Such digit runs are
    split so that the counts add up to ``total`` (the gpu_count column) when it is known,
    else so that each count is as small as possible.
    """
    text = text.strip()
    matches = list(_GPU_PART.finditer(text))
    if not matches or matches[0].start() != 0:
        return [(text, total)] if text else []
    options: list[list[tuple[str, int]]] = []  # per boundary: (digits moved to the previous name, count)
    for i, match in enumerate(matches):
        digits = match.group(1)
        # after the first part, leading digits may end the previous name ("RTX 3060" + "1 x")
        splits = [
            (digits[:k], int(digits[k:])) for k in range(len(digits) if i > 0 else 1) if k == 0 or digits[k] != "0"
        ]
        options.append(splits)
    best: list[tuple[str, int | None]] | None = None
    for choice in itertools.product(*options):
        parts: list[tuple[str, int | None]] = []
        for i, (match, (_, count)) in enumerate(zip(matches, choice, strict=True)):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            tail = choice[i + 1][0] if i + 1 < len(matches) else ""
            parts.append(((text[match.end() : end] + tail).strip(), count))
        if total is not None and sum(c or 0 for _, c in parts) == total:
            return parts
        if best is None or sum(c or 0 for _, c in parts) < sum(c or 0 for _, c in best):
            best = parts
    assert best is not None
    return best


@cache
def iso3_to_alpha2() -> dict[str, str]:
    """ISO 3166-1 alpha-3 -> alpha-2, from the newest shipped ``countries.csv``."""
    root = data_root("factors")
    versions = sorted(
        (p.name for p in root.iterdir() if _VERSION_DIR.match(p.name)),
        key=lambda v: tuple(int(x) for x in v.split(".")),
    )
    for version in reversed(versions):
        table = root.joinpath(version).joinpath("countries.csv")
        if table.is_file():
            rows = csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"), newline=""))
            return {
                r["alpha3"].strip().upper(): r["alpha2"].strip().upper()
                for r in rows
                if r.get("alpha3") and r.get("alpha2")
            }
    return {}


def _zone(name: str | None) -> dt.tzinfo | None:
    if name is None:
        return None
    if name.strip().upper() in {"UTC", "Z", "ETC/UTC"}:
        return dt.UTC
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        from ftdisclose.spec.suggest import time_zone

        guess = time_zone(name)
        mean = f"did you mean {guess}? " if guess else ""
        raise ValueError(
            f"unknown time zone {name!r}: {mean}use an IANA name such as Europe/Copenhagen, or UTC"
        ) from exc


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _fmt(value: float) -> str:
    text = f"{value:.7g}"
    return text if "e" in text or "." not in text else text.rstrip("0").rstrip(".")


def _q(value: float, unit: str) -> str:
    return f"{_fmt(value)} {unit}"


# --- the import ------------------------------------------------------------------------


def import_codecarbon(
    paths: Sequence[Path], *, combine: str = "runs", timezone: str | None = None, model_name: str | None = None
) -> ImportResult:
    """Read CodeCarbon emissions.csv files (one per rank) into one disclosure.

    ``combine``: ``runs`` sums the runs and lists them, ``sum`` sums without listing,
    ``last`` keeps the last run. ``timezone``: the IANA zone (or ``UTC``) of the machine
    whose local clock CodeCarbon's timestamps show; without it start and end are left out.
    Raises ValueError for an unknown ``combine`` or ``timezone`` (a usage error); every
    problem of the files themselves is a finding.
    """
    if combine not in COMBINE_CHOICES:
        raise ValueError(f"combine must be one of {', '.join(COMBINE_CHOICES)}, not {combine!r}")
    if not paths:
        raise ValueError("no CodeCarbon file given")
    ctx = _Context(_zone(timezone), timezone)
    files = [f for f in (_read_file(Path(p), ctx) for p in paths) if f is not None]
    jobs = _align(files, ctx) if files else []
    used = jobs[-1:] if combine == "last" else jobs
    disclosure: dict[str, Any] = {"spec_version": "1.0"}
    disclosure["model"] = _model(model_name, [r for j in used for r in j.ranks], [str(p) for p in paths], ctx)
    if used:
        infrastructure = _infrastructure(used, ctx)
        if infrastructure:
            disclosure["infrastructure"] = infrastructure
        disclosure["operational"] = _operational(used, combine, ctx)
    disclosure[IMPORT_KEY] = _provenance(files, jobs, used, combine, ctx)
    return ImportResult(disclosure, ctx.findings)


def _model(name: str | None, runs: list[_Run], paths: list[str], ctx: _Context) -> dict[str, Any]:
    if name:
        return {"name": name}
    projects = [r.cells.get("project_name", "").strip() for r in runs]
    project = next((p for p in reversed(projects) if p), "")
    if project:
        ctx.add(
            Code.IMPORT_MODEL_NAME,
            f"model.name is CodeCarbon's project_name {project!r}",
            file=runs[-1].file,
            line=runs[-1].line,
            path="model.name",
        )
    else:
        project = Path(paths[0]).stem
        ctx.add(Code.IMPORT_MODEL_NAME, f"model.name is the file name {project!r}", file=paths[0], path="model.name")
    ctx.origins["model.name"] = "derived"
    return {"name": project}


def _agreed(runs: list[_Run], column: str, ctx: _Context, path: str) -> str | None:
    """The one non-empty value the runs give for ``column``; None (and a finding) if they disagree."""
    values = {r.cells.get(column, "").strip() for r in runs} - {""}
    values = {v for v in values if v.lower() not in _EMPTY}
    if len(values) > 1:
        ctx.add(
            Code.IMPORT_MERGE_CONFLICT,
            f"the runs disagree on {column} ({', '.join(sorted(values))}); {path} is left out",
            file=runs[-1].file,
            line=runs[-1].line,
            path=path,
        )
        return None
    return values.pop() if values else None


def _infrastructure(jobs: list[_JobRun], ctx: _Context) -> dict[str, Any]:
    runs = [r for j in jobs for r in j.ranks]
    last = runs[-1]
    infra: dict[str, Any] = {}
    location: dict[str, Any] = {}
    iso3 = _agreed(runs, "country_iso_code", ctx, "infrastructure.location.country")
    if iso3 is not None:
        alpha2 = iso3_to_alpha2().get(iso3.upper())
        if alpha2 is None:
            ctx.add(
                Code.CSV_BAD_VALUE,
                f"country_iso_code {iso3!r} is not an ISO 3166-1 alpha-3 code; the country is left out",
                file=last.file,
                line=last.line,
                path="infrastructure.location.country",
            )
        else:
            location["country"] = alpha2
            ctx.origins["infrastructure.location.country"] = "measured"
    on_cloud = _agreed(runs, "on_cloud", ctx, "infrastructure.provider")
    if on_cloud == "Y":
        provider = _agreed(runs, "cloud_provider", ctx, "infrastructure.provider")
        region = _agreed(runs, "cloud_region", ctx, "infrastructure.location.cloud_region")
        if provider:
            infra["provider"] = provider.lower()
            ctx.origins["infrastructure.provider"] = "measured"
            if region:
                location["cloud_region"] = region
                ctx.origins["infrastructure.location.cloud_region"] = "measured"
    if location:
        infra["location"] = location
    pue = {r.pue for r in runs if r.pue_stated}
    if len(pue) == 1 and 1.0 < (value := pue.pop()) <= 5.0:
        # a PUE other than CodeCarbon's default 1 is one the user configured
        infra["datacenter"] = {"pue": value}
        ctx.origins["infrastructure.datacenter.pue"] = "disclosed"
    wue = {_number(r.cells.get("wue")) for r in runs} - {None, 0.0}
    if len(wue) == 1 and (w := wue.pop()) is not None and w > 0:
        infra.setdefault("datacenter", {})["wue"] = _q(w, "L/kWh")
        ctx.origins["infrastructure.datacenter.wue"] = "disclosed"
    cluster = _cluster(jobs, ctx)
    if cluster:
        infra["cluster"] = cluster
    return infra


def _gpus(job: _JobRun, ctx: _Context) -> tuple[Counter[str], int | None, bool]:
    """GPU models with their counts, the total count, and whether a name was split."""
    models: Counter[str] = Counter()
    total: int | None = None
    mixed = False
    for run in job.ranks:
        count = _count(run.cells.get("gpu_count"))
        if count is None and not _is_blank(run.cells.get("gpu_count")):
            ctx.add(
                Code.CSV_BAD_VALUE,
                f"gpu_count {run.cells['gpu_count']!r} is not a count",
                file=run.file,
                line=run.line,
                path="infrastructure.cluster.gpu.count",
            )
        text = run.cells.get("gpu_model", "")
        parts = parse_gpu_model(text, count) if not _is_blank(text) else []
        mixed = mixed or len(parts) > 1
        for model, n in parts:
            models[model] += n if n is not None else (count or 0)
        if count is None and parts and all(n is not None for _, n in parts):
            count = sum(n or 0 for _, n in parts)
        if count is not None:
            total = (total or 0) + count
    return models, total, mixed


def _cluster(jobs: list[_JobRun], ctx: _Context) -> dict[str, Any]:
    cluster: dict[str, Any] = {}
    models: Counter[str] = Counter()
    counts: list[int] = []
    mixed = False
    for job in jobs:
        job_models, total, job_mixed = _gpus(job, ctx)
        models.update(job_models)
        mixed = mixed or job_mixed or len(job_models) > 1
        if total is not None:
            counts.append(total)
    gpu: dict[str, Any] = {}
    named = [m for m in models if m]
    if named:
        top = max(named, key=lambda m: models[m])  # ties: the first named
        gpu["model"] = top
        ctx.origins["infrastructure.cluster.gpu.model"] = "derived" if mixed else "measured"
        if mixed:
            last = jobs[-1].ranks[-1]
            listing = ", ".join(f"{models[m]} x {m}" for m in named)
            ctx.add(
                Code.IMPORT_MIXED_GPUS,
                f"gpu_model names several models ({listing}); the disclosure names {top} and counts every GPU",
                file=last.file,
                line=last.line,
                path="infrastructure.cluster.gpu.model",
            )
    if counts and max(counts) > 0:
        gpu["count"] = max(counts)  # sequential runs reuse the hardware
        ctx.origins["infrastructure.cluster.gpu.count"] = "measured"
    if gpu:
        cluster["gpu"] = gpu
    runs = [r for j in jobs for r in j.ranks]
    cpu_model = _agreed(runs, "cpu_model", ctx, "infrastructure.cluster.cpu.model")
    if cpu_model:
        cluster["cpu"] = {"model": cpu_model}
        ctx.origins["infrastructure.cluster.cpu.model"] = "measured"
    memory = [m for m in (_number(r.cells.get("ram_total_size")) for r in runs) if m is not None and m > 0]
    if memory:
        # CodeCarbon divides bytes by 1024**3: the value is GiB under the name GB
        cluster["memory"] = _q(max(memory), "GiB")
        ctx.origins["infrastructure.cluster.memory"] = "measured"
    return cluster


def _localize(naive: dt.datetime, run: _Run, ctx: _Context) -> dt.datetime | None:
    if naive.tzinfo is not None:
        return naive
    zone = ctx.timezone
    if zone is None:
        if not ctx.warned_no_zone:
            ctx.warned_no_zone = True
            ctx.add(
                Code.IMPORT_NO_TIMEZONE,
                f"timestamp {run.cells.get('timestamp', '').strip()!r} is local time without a "
                "zone, written at the end of the run; operational.start and end are left out",
                file=run.file,
                line=run.line,
                path="operational.start",
            )
        return None
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        ctx.add(
            Code.IMPORT_NO_TIMEZONE,
            f"timestamp {naive.isoformat()} is ambiguous or skipped in {ctx.timezone_name} "
            "(a daylight-saving change); read with the offset before the change",
            file=run.file,
            line=run.line,
            path="operational.end",
        )
    return early


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    weight = sum(w for _, w in pairs)
    if not pairs or weight <= 0:
        return None
    return sum(v * w for v, w in pairs) / weight


def _utilisation(jobs: list[_JobRun], part: str, ctx: _Context) -> float | None:
    pairs: list[tuple[float, float]] = []
    for run in (r for j in jobs for r in j.ranks):
        cell = run.cells.get(f"{part}_utilization_percent")
        value = _number(cell)
        if value is None:
            if not _is_blank(cell):
                ctx.add(
                    Code.CSV_BAD_VALUE,
                    f"{part}_utilization_percent {cell!r} is not a number",
                    file=run.file,
                    line=run.line,
                    path=f"operational.{part}_utilization",
                )
            continue
        if value <= 0 or value > 100:  # CodeCarbon writes 0 when it took no sample
            continue
        gpus = _count(run.cells.get("gpu_count")) if part == "gpu" else None
        pairs.append((value / 100, run.duration * (gpus or 1)))
    return _weighted(pairs)


def _operational(jobs: list[_JobRun], combine: str, ctx: _Context) -> dict[str, Any]:
    runs = [r for j in jobs for r in j.ranks]
    last = runs[-1]
    op: dict[str, Any] = {}
    if len(jobs) == 1:
        ends = [(e, r) for r in runs if r.end is not None and (e := _localize(r.end, r, ctx)) is not None]
        if ends:
            end = max(e for e, _ in ends)
            start = min(e - dt.timedelta(seconds=round(r.duration)) for e, r in ends)
            zone = end.tzinfo
            op["start"] = _iso(start.astimezone(zone))
            op["end"] = _iso(end)
            ctx.origins["operational.start"] = "derived"
            ctx.origins["operational.end"] = "measured"
    duration = sum(j.duration for j in jobs)
    if duration > 0:
        op["duration"] = _q(duration / 3600, "h")
        ctx.origins["operational.duration"] = "measured"
    for part in ("gpu", "cpu"):
        ratio = _utilisation(jobs, part, ctx)
        if ratio is not None:
            op[f"{part}_utilization"] = round(ratio, 4)
            ctx.origins[f"operational.{part}_utilization"] = "measured"
    energy = sum(j.energy for j in jobs)
    if energy > 0:
        measurement: dict[str, Any] = {"value": _q(energy, "kWh"), "source": "codecarbon"}
        parts = [p for p in COMPONENTS if any((r.component(p) or 0) > 0 for r in runs)]
        if parts:
            measurement["boundary"] = parts
        measurement["includes_pue"] = False
        op["energy"] = measurement
        divided = any(r.pue != 1.0 for r in runs)
        ctx.origins["operational.energy.value"] = "derived" if divided else "measured"
        for key in ("source", "boundary", "includes_pue"):
            if key in measurement:
                ctx.origins[f"operational.energy.{key}"] = "derived"
        _plausibility(runs, ctx)
    else:
        ctx.add(
            Code.ENERGY_IMPLAUSIBLE,
            "energy_consumed is zero: CodeCarbon measured nothing (a GPU without an energy "
            "counter, or a run shorter than one measurement); the energy is left out",
            file=last.file,
            line=last.line,
            path="operational.energy.value",
        )
    if combine == "runs" and len(jobs) > 1:
        op["runs"] = [_run_entry(j) for j in jobs]
        ctx.origins["operational.runs"] = "measured"
    return op


def _run_entry(job: _JobRun) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": job.name}
    if job.duration > 0:
        entry["duration"] = _q(job.duration / 3600, "h")
    if job.energy > 0:
        entry["energy"] = _q(job.energy, "kWh")
    return entry


def _plausibility(runs: list[_Run], ctx: _Context) -> None:
    for run in runs:
        gpus = _count(run.cells.get("gpu_count")) or 0
        gpu, ram = run.component("gpu"), run.component("ram")
        if gpus > 0 and gpu == 0 and run.duration > 60:
            ctx.add(
                Code.ENERGY_IMPLAUSIBLE,
                f"{gpus} GPU(s) detected but gpu_energy is 0: the GPUs had no readable energy "
                "counter, so the energy covers CPU and RAM only",
                file=run.file,
                line=run.line,
                path="operational.energy.boundary",
            )
        elif gpus > 0 and gpu and ram and ram > gpu:
            ctx.add(
                Code.ENERGY_IMPLAUSIBLE,
                f"RAM energy ({_fmt(ram)} kWh) exceeds GPU energy ({_fmt(gpu)} kWh) on a GPU run: "
                "CodeCarbon counted the whole host's memory (codecarbon#629)",
                file=run.file,
                line=run.line,
                path="operational.energy.value",
            )


def _provenance(
    files: list[_File], jobs: list[_JobRun], used: list[_JobRun], combine: str, ctx: _Context
) -> dict[str, Any]:
    runs = [r for j in used for r in j.ranks]
    block: dict[str, Any] = {
        "tool": "codecarbon",
        "combine": combine,
        "files": [{"path": f.path, "header": f.era, "rows": f.rows, "runs": len(f.runs)} for f in files],
        "rows_used": [f"{r.file}:{r.line}" for r in runs],
        "runs": [_run_record(j) for j in jobs],
    }
    versions = sorted({v for r in runs if (v := r.cells.get("codecarbon_version", "").strip())})
    if versions:
        block["codecarbon_version"] = versions
    timestamps = "local time without a zone, written at the end of each run (start = timestamp - duration)"
    block["timestamps"] = (
        f"{timestamps}; zone given: {ctx.timezone_name}" if ctx.timezone_name else f"{timestamps}; no zone given"
    )
    block["codecarbon"] = _codecarbon_extras(runs)
    block["origins"] = dict(sorted(ctx.origins.items()))
    return block


def _run_record(job: _JobRun) -> dict[str, Any]:
    record: dict[str, Any] = {"name": job.name, "ranks": []}
    for run in job.ranks:
        rank: dict[str, Any] = {"file": run.file, "line": run.line, "flushes": run.flushes}
        if run.end is not None:
            rank["timestamp"] = run.end.isoformat()
        rank["duration_s"] = run.duration
        rank["energy_consumed_kwh"] = run.energy_consumed
        rank["pue"] = run.pue
        rank["energy_kwh"] = run.energy
        record["ranks"].append(rank)
    return record


def _codecarbon_extras(runs: list[_Run]) -> dict[str, Any]:
    """CodeCarbon's own figures and facts without a spec field of the same meaning."""
    extras: dict[str, Any] = {}
    emissions = [e for e in (_number(r.cells.get("emissions")) for r in runs) if e is not None]
    consumed = sum(r.energy_consumed for r in runs)
    if emissions:
        extras["emissions_kg"] = sum(emissions)
        if consumed > 0 and len(emissions) == len(runs):
            # CodeCarbon's intensity (its bundled yearly average unless it had a live token)
            extras["carbon_intensity_g_per_kwh"] = round(sum(emissions) * 1000 / consumed, 3)
    threads = sorted({n for r in runs if (n := _count(r.cells.get("cpu_count"))) is not None})
    if threads:
        # logical CPUs (psutil.cpu_count, or SLURM's NumCPUs): not the sockets that cluster.cpu.count means
        extras["cpu_threads"] = threads[0] if len(threads) == 1 else threads
    for column, key in (
        ("region", "region"),
        ("tracking_mode", "tracking_mode"),
        ("gpu_model", "gpu_model"),
        ("country_name", "country_name"),
    ):
        values = sorted({v for r in runs if (v := r.cells.get(column, "").strip()) and v.lower() not in _EMPTY})
        if values:
            extras[key] = values[0] if len(values) == 1 else values
    return extras


# --- YAML output -----------------------------------------------------------------------


class _Quoted(str):
    __slots__ = ()


class _FlowList(list[Any]):
    pass


class _FlowMap(dict[str, Any]):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _represent_quoted(dumper: yaml.SafeDumper, value: _Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _represent_flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(value), flow_style=True)


_Dumper.add_representer(_Quoted, _represent_quoted)
_Dumper.add_representer(_FlowList, _represent_flow_list)
_Dumper.add_representer(_FlowMap, _represent_flow_map)

_QUOTED_KEYS = {"spec_version", "factors_version", "country"}


def _styled(value: Any, key: str = "", parent: str = "") -> Any:
    if isinstance(value, dict):
        items = {k: _styled(v, k, key) for k, v in value.items()}
        flat = all(not isinstance(v, dict | list) for v in items.values())
        return _FlowMap(items) if parent == "runs" and key == "" and flat else items
    if isinstance(value, list):
        if key == "boundary":
            return _FlowList(value)
        return [_styled(v, "", key) for v in value]
    if isinstance(value, str) and key in _QUOTED_KEYS:
        return _Quoted(value)
    return value


def dump_yaml(disclosure: dict[str, Any]) -> str:
    """Readable YAML: spec_version first, country codes and versions quoted, short lists inline."""
    ordered = {"spec_version": disclosure["spec_version"]} if "spec_version" in disclosure else {}
    ordered.update((k, v) for k, v in disclosure.items() if k != "spec_version")
    text: str = yaml.dump(
        _styled(ordered), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return text
