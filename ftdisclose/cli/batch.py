"""Many files at once: one file's work as a picklable job, run in order, optionally in processes.

Results come back in the order the files were given, whatever the number of workers,
so output and exit codes are the same with ``--jobs 1`` and ``--jobs 8``. A progress bar
is drawn on stderr for long batches when stderr is a terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from ftdisclose.output.view import FileReport, report_of
from ftdisclose.pipeline import Goal, Options, run_file

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
    result = run_file(job.path, job.options, goal=job.goal, display=job.display)
    return report_of(result, with_figures=job.with_figures)


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
