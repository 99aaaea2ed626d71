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

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftdisclose.findings import Code, Finding, Severity
from ftdisclose.integrations.codecarbon.merge import (
    align,
    build_infrastructure,
    build_operational,
    iso3_to_alpha2,
    parse_gpu_model,
    zone,
)
from ftdisclose.integrations.codecarbon.output import dump_yaml, provenance
from ftdisclose.integrations.codecarbon.rows import COMBINE_CHOICES, IMPORT_KEY, Context, Run, read_file

__all__ = [
    "COMBINE_CHOICES",
    "IMPORT_KEY",
    "ImportResult",
    "dump_yaml",
    "import_codecarbon",
    "iso3_to_alpha2",
    "parse_gpu_model",
]


@dataclass
class ImportResult:
    """A disclosure (plain data, ready for ``dump_yaml``) and what the import found."""

    disclosure: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


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
    ctx = Context(zone(timezone), timezone)
    files = [f for f in (read_file(Path(p), ctx) for p in paths) if f is not None]
    jobs = align(files, ctx) if files else []
    used = jobs[-1:] if combine == "last" else jobs
    disclosure: dict[str, Any] = {"spec_version": "1.0"}
    # the model's name is said only when a disclosure is written: nothing read, nothing named
    named = _model(model_name, [r for j in used for r in j.ranks], [str(p) for p in paths], ctx if used else None)
    disclosure["model"] = named
    if used:
        infrastructure = build_infrastructure(used, ctx)
        if infrastructure:
            disclosure["infrastructure"] = infrastructure
        disclosure["operational"] = build_operational(used, combine, ctx)
    disclosure[IMPORT_KEY] = provenance(files, jobs, used, combine, ctx)
    return ImportResult(disclosure, ctx.findings)


def _model(name: str | None, runs: list[Run], paths: list[str], ctx: Context | None) -> dict[str, Any]:
    if name:
        return {"name": name}
    if ctx is None:
        return {"name": Path(paths[0]).stem}
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
