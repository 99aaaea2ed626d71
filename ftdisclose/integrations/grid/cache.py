"""A file cache of fetched samples, one JSON file per (provider, zone, window).

The folder is ``FTDISCLOSE_CACHE_DIR``, else the user cache folder (``$XDG_CACHE_HOME/ftdisclose``,
``~/.cache/ftdisclose``; ``%LOCALAPPDATA%\\ftdisclose\\Cache`` on Windows, ``~/Library/Caches/ftdisclose``
on macOS), with the grid files under ``grid/``. A file holds the provider's name, the zone,
the window and the samples: never a URL, a header, a token or a login. Files are written
atomically; an unreadable or foreign file is ignored (and refetched), never trusted: it is
read only if it is a regular file within a size limit, as strict JSON, and its values pass
the same checks as a service's answer (finite, within 0..2,000 gCO2e/kWh, not too many).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ftdisclose._version import __version__
from ftdisclose.integrations.grid.http import GridError
from ftdisclose.integrations.grid.samples import Sample, check_samples, parse_time
from ftdisclose.io.files import ReadRefusedError, read_regular, write_atomic

FORMAT = 1
MAX_CACHE_BYTES = 16 * 1024 * 1024  # 92 days of two price areas at 5 minutes is ~5 MB


def default_dir(env: Mapping[str, str] | None = None) -> Path:
    """FTDISCLOSE_CACHE_DIR, else the platform's user cache folder for ftdisclose."""
    environ = env if env is not None else os.environ
    platform: str = sys.platform  # a plain name, so that every platform's branch is type-checked on each
    chosen = environ.get("FTDISCLOSE_CACHE_DIR", "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if platform == "win32" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "ftdisclose" / "Cache"
    if platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ftdisclose"
    xdg = environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "ftdisclose"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def key(provider: str, zone: str, start: dt.datetime, end: dt.datetime) -> str:
    text = json.dumps([FORMAT, provider, zone, _stamp(start), _stamp(end)], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def path_for(folder: Path, provider: str, zone: str, start: dt.datetime, end: dt.datetime) -> Path:
    return folder / "grid" / f"{key(provider, zone, start, end)}.json"


def load(folder: Path, provider: str, zone: str, start: dt.datetime, end: dt.datetime) -> list[Sample] | None:
    """The cached samples of this window, or None (missing, unreadable, or for another key)."""
    path = path_for(folder, provider, zone, start, end)
    try:
        data: object = json.loads(read_regular(path, MAX_CACHE_BYTES).decode("utf-8"), parse_constant=_refuse)
    except (ReadRefusedError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    fields: dict[str, object] = data
    if (
        fields.get("format") != FORMAT
        or fields.get("provider") != provider
        or fields.get("zone") != zone
        or fields.get("window") != [_stamp(start), _stamp(end)]
    ):
        return None
    try:
        samples = _samples(fields.get("samples"))
        return None if samples is None else check_samples(provider, samples)
    except (ValueError, OverflowError, GridError):
        return None


def _samples(rows: object) -> list[Sample] | None:
    """The cached ``[start, end, value, estimated]`` rows; None if one is not such a row (ValueError: a bad time)."""
    if not isinstance(rows, list):
        return None
    samples = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 4:
            return None
        cells: list[object] = row
        begin, stop, value, estimated = cells
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        samples.append(Sample(parse_time(begin), parse_time(stop), float(value), bool(estimated)))
    return samples


def _refuse(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def save(
    folder: Path, provider: str, zone: str, start: dt.datetime, end: dt.datetime, samples: list[Sample]
) -> Path | None:
    """Write the samples; a cache that cannot be written is skipped (None), never an error."""
    path = path_for(folder, provider, zone, start, end)
    data = {
        "format": FORMAT,
        "written_by": f"ftdisclose {__version__}",
        "fetched": _stamp(dt.datetime.now(dt.UTC)),
        "provider": provider,
        "zone": zone,
        "window": [_stamp(start), _stamp(end)],
        "samples": [[_stamp(s.start), _stamp(s.end), s.g_per_kwh, s.estimated] for s in samples],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
    except OSError:
        return None
    return path
