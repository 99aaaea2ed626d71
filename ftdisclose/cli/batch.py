"""Many files at once: one file's work as a picklable job, run in order, optionally in processes.

Results come back in the order the files were given, whatever the number of workers,
so output and exit codes are the same with ``--jobs 1`` and ``--jobs 8``. A progress bar
is drawn on stderr for long batches when stderr is a terminal.

One file's failure never stops the batch: an unexpected exception while checking a file
(or a worker process that dies) becomes that file's FTD538 finding, the walk goes on, every
file is reported, JSON output stays complete, and the exit code is the worst file's (2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ftdisclose.findings import Code, Where, make
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.io.loader import SUFFIXES
from ftdisclose.output.base import Reporter
from ftdisclose.output.view import FileReport, report_of
from ftdisclose.pipeline import Goal, Options, run_file

if TYPE_CHECKING:
    from concurrent.futures import Future

PROGRESS_FROM = 50  # files; below this a batch is quick enough without a bar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Job:
    """One file's work, small enough to send to a worker process."""

    path: str
    display: str
    options: Options
    goal: Goal
    with_figures: bool


def run_job(job: Job) -> FileReport:
    """Take one file through the pipeline; the report is what crosses back between processes."""
    try:
        result = run_file(job.path, job.options, goal=job.goal, display=job.display)
        return report_of(result, with_figures=job.with_figures)
    except Exception as exc:  # noqa: BLE001 - one file's failure is that file's finding, the batch goes on
        return failed_report(job, exc)


def failed_report(job: Job, exc: BaseException) -> FileReport:
    """The report of a file whose checking failed unexpectedly: one FTD538 finding."""
    kind = SUFFIXES.get(Path(job.display).suffix.lower(), "unknown")
    message = f"internal error: {type(exc).__name__}: {excerpt(str(exc))}; the other files are still checked"
    return FileReport(job.display, kind, None, (make(Code.INTERNAL_ERROR, message, Where(job.display)),))


def failed(report: FileReport) -> bool:
    return any(f.code is Code.INTERNAL_ERROR for f in report.findings)


def deliver(reporter: Reporter, report: FileReport, job: Job) -> FileReport:
    """Give the reporter one file; if rendering it fails, the file is reported as failed instead."""
    try:
        reporter.file(report)
    except Exception as exc:  # noqa: BLE001 - the rest of the output (and valid JSON) must still be written
        reporter.summary.valid -= report.valid  # counted before rendering failed: count it as failed
        reporter.summary.errors += 1
        report = failed_report(job, exc)
        reporter.render(report)
    return report


def workers(requested: int) -> int:
    """--jobs: 0 means one per CPU."""
    return max(1, requested or os.cpu_count() or 1)


def run_many(
    fn: Callable[[T], R], items: Iterable[T], jobs: int, label: str, on_error: Callable[[T, BaseException], R]
) -> Iterator[R]:
    """``fn`` over ``items`` in order, in ``jobs`` processes, with a progress bar on a terminal.

    Items go to the workers in chunks (one round trip per chunk, not per file). An item whose
    ``fn`` raises gives ``on_error(item, exc)``; a worker process that dies fails its chunk's items.
    """
    batch = list(items)
    bar = _progress(len(batch), label)
    try:
        if jobs > 1 and len(batch) > 1:
            from concurrent.futures import ProcessPoolExecutor  # only a batch pays for the process pool

            size = chunk_size(len(batch), jobs)
            chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(_each, fn, chunk) for chunk in chunks]
                for chunk, future in zip(chunks, futures, strict=True):
                    for result in _outcomes(future, chunk, on_error):
                        yield result
                        if bar is not None:
                            bar.advance()
        else:
            for item in batch:
                yield _one(fn, item, on_error)
                if bar is not None:
                    bar.advance()
    finally:
        if bar is not None:
            bar.close()


def chunk_size(count: int, jobs: int) -> int:
    """Items per round trip: about eight chunks per worker, at most 64 items, so output still streams."""
    return max(1, min(64, -(-count // (jobs * 8))))


def _one(fn: Callable[[T], R], item: T, on_error: Callable[[T, BaseException], R]) -> R:
    try:
        return fn(item)
    except Exception as exc:  # noqa: BLE001 - see on_error
        return on_error(item, exc)


def _each(fn: Callable[[T], R], chunk: list[T]) -> list[R | BaseException]:
    """In a worker: ``fn`` over one chunk, an exception standing in for the result it prevented."""
    out: list[R | BaseException] = []
    for item in chunk:
        try:
            out.append(fn(item))
        except Exception as exc:  # noqa: BLE001 - sent back, turned into on_error in the parent
            out.append(exc)
    return out


def _outcomes(
    future: Future[list[R | BaseException]], chunk: list[T], on_error: Callable[[T, BaseException], R]
) -> list[R]:
    try:
        results = future.result()
    except Exception as exc:  # noqa: BLE001 - a worker that died (BrokenProcessPool) fails its chunk only
        return [on_error(item, exc) for item in chunk]
    return [on_error(item, r) if isinstance(r, BaseException) else r for item, r in zip(chunk, results, strict=True)]


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
