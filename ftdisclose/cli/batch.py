"""Many files at once: one file's work as a picklable job, run in order, optionally in processes.

Results come back in the order the files were given, whatever the number of workers,
so output and exit codes are the same with ``--jobs 1`` and ``--jobs 8``. A progress bar
is drawn on stderr for long batches when stderr is a terminal.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ftdisclose.findings import Code, Finding, Severity
from ftdisclose.io.loader import Document
from ftdisclose.resolve import GridOptions
from ftdisclose.spec.validate import ValidationResult

PROGRESS_FROM = 50  # files; below this a batch is quick enough without a bar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Job:
    path: str
    display: str
    options: dict[str, Any] = field(default_factory=dict)


def validate_job(job: Job) -> ValidationResult:
    """Validate one file; the result carries findings only (small to send between processes)."""
    from ftdisclose.spec.validate import validate_path

    result = validate_path(job.path, display=job.display, factors_version=job.options.get("factors"))
    light = ValidationResult(Document(result.document.file, result.document.kind), result.findings)
    light.spec_version = result.spec_version
    return light


@dataclass
class ComputeOutcome:
    """One file of ``compute``: its rendered output (or JSON document) and what the exit code needs."""

    file: str
    rendered: str = ""
    document: dict[str, Any] | None = None
    failed: bool = False
    warned: bool = False
    unreadable: bool = False
    problems: ValidationResult | None = None  # findings to show when the file could not be computed


def compute_job(job: Job) -> ComputeOutcome:
    from ftdisclose._version import __version__
    from ftdisclose.output import computation as rc
    from ftdisclose.pipeline import compute_path

    o = job.options
    item = compute_path(
        job.path,
        display=job.display,
        factors_version=o.get("factors"),
        overlay=o.get("overlay"),
        backend=o.get("backend", "fast"),
        grid=GridOptions(o.get("grid_data", "annual"), bool(o.get("offline"))),
    )
    findings: list[Finding] = item.findings
    out = ComputeOutcome(
        item.file,
        failed=item.computation is None or any(f.severity is Severity.ERROR for f in findings),
        warned=any(f.severity is Severity.WARNING for f in findings),
        unreadable=any(f.code == Code.UNREADABLE for f in findings),
    )
    comp = item.computation
    if comp is None:
        if o.get("format") == "json":
            out.document = {
                "tool_version": __version__,
                "file": item.file,
                "results": None,
                "inputs": None,
                "findings": [f.as_dict() for f in findings],
            }
        problems = ValidationResult(Document(item.file, item.validation.document.kind), findings)
        out.problems = problems
        return out
    if o.get("format") == "json":
        out.document = rc.to_dict(
            comp, file=item.file, spec_version=item.validation.spec_version or "", findings=findings
        )
    elif o.get("format") == "markdown":
        out.rendered = rc.render_markdown(comp, file=item.file, findings=findings)
    else:
        buf = io.StringIO()
        rc.render_text(
            comp,
            file=item.file,
            findings=findings,
            out=buf,
            color=bool(o.get("color")),
            verbosity=int(o.get("verbosity", 0)),
        )
        out.rendered = buf.getvalue() + "\n"
    return out


def workers(requested: int) -> int:
    """--jobs: 0 means one per CPU."""
    return max(1, requested or os.cpu_count() or 1)


def run_many(fn: Callable[[T], R], items: Iterable[T], jobs: int, label: str) -> Iterator[R]:
    """``fn`` over ``items`` in order, in ``jobs`` processes, with a progress bar on a terminal."""
    batch = list(items)
    bar = _progress(len(batch), label)
    try:
        if jobs > 1 and len(batch) > 1:
            chunk = max(1, min(64, len(batch) // (jobs * 4)))
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for result in pool.map(fn, batch, chunksize=chunk):
                    yield result
                    if bar is not None:
                        bar.advance()
        else:
            for item in batch:
                yield fn(item)
                if bar is not None:
                    bar.advance()
    finally:
        if bar is not None:
            bar.close()


class _Bar:
    def __init__(self, total: int, label: str) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self.progress = Progress(console=Console(stderr=True), transient=True)
        self.task = self.progress.add_task(label, total=total)
        self.progress.start()

    def advance(self) -> None:
        self.progress.advance(self.task)

    def close(self) -> None:
        self.progress.stop()


def _progress(total: int, label: str) -> _Bar | None:
    if total < PROGRESS_FROM or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    return _Bar(total, label)
