"""Reading and writing files safely.

Reading: only regular files are read, never a named pipe (which blocks), a device (which
never ends) or a folder; the size is checked from ``stat`` before the first byte and again
while reading, so a file that grows or lies about its size is still bounded.

Writing: the whole new content or the old file, never half of either. A temporary file in
the target's folder is written, flushed and fsynced, given the old file's mode, owner and
group, and renamed over the target (atomic on POSIX, and on Windows for the same volume);
the folder is fsynced so the rename itself survives a crash. A symlink is written through
to its target (the link stays a link). A file with other hard links, or whose owner cannot
be kept, is rewritten in place instead, so its other names and its owner stay as they were.
The temporary file is removed on any failure, on SIGTERM and SIGHUP too; one left by a
``kill -9`` is removed by the next write to the same file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ftdisclose.io.limits import MAX_BYTES

_TMP_TAG = ".ftd-"  # .<name>.ftd-<pid>-<random>.tmp
STALE_AFTER = 24 * 3600.0  # seconds: a temporary file this old is stale even if its pid is in use again


class ReadRefusedError(Exception):
    """A path that is not read: missing, not a regular file, too large or unreadable."""

    def __init__(self, message: str, *, size: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.size = size  # set when the file is larger than the limit


class WriteError(OSError):
    """An output path that cannot be written: a usage error (exit 2), never an internal error."""


def kind_of(mode: int) -> str:
    """What a file-system entry is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def read_regular(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (ReadRefusedError otherwise), in bounded time."""
    with open_regular(path, max_bytes) as handle:
        return _read_at_most(handle.fileno(), max_bytes)


def open_regular(path: str | Path, max_bytes: int | None = None) -> BinaryIO:
    """A regular file opened for reading (ReadRefusedError otherwise), never blocking on a pipe.

    With ``max_bytes``, a file that stat says is larger is refused before it is opened.
    """
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise ReadRefusedError("no such file or folder") from None
    except OSError as exc:
        raise ReadRefusedError(exc.strerror or type(exc).__name__) from None
    if not stat.S_ISREG(before.st_mode):
        raise ReadRefusedError(f"{kind_of(before.st_mode)}, not a regular file; it is not read")
    if max_bytes is not None and before.st_size > max_bytes:
        raise ReadRefusedError(
            f"the file has {before.st_size:,} bytes; the limit is {max_bytes:,}", size=before.st_size
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ReadRefusedError(exc.strerror or type(exc).__name__) from None
    now = os.fstat(fd)
    if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
        os.close(fd)
        raise ReadRefusedError("the file was replaced while it was opened; it is not read")
    return os.fdopen(fd, "rb")


def _read_at_most(fd: int, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
        except OSError as exc:
            raise ReadRefusedError(exc.strerror or type(exc).__name__) from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise ReadRefusedError(f"the file has more than {max_bytes:,} bytes (the limit)", size=total)


def check_writable(path: str | Path) -> Path:
    """The file a write to ``path`` changes (symlinks followed); WriteError when it cannot be written."""
    target = Path(os.path.realpath(path))
    folder = target.parent
    try:
        info = folder.stat()
    except FileNotFoundError:
        raise WriteError(f"the folder {folder} does not exist") from None
    except OSError as exc:
        raise WriteError(f"the folder {folder} cannot be used: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise WriteError(f"{folder} is {kind_of(info.st_mode)}, not a folder")
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise WriteError(f"{target} cannot be used: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise WriteError(f"{target} is {kind_of(mode)}, not a file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(f"the folder {folder} is read-only")
    if mode is not None and not os.access(target, os.W_OK):
        raise WriteError(f"{target} is read-only")
    return target


_DISCLOSURE_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
_CARD_SUFFIXES = frozenset({".md"})


def check_kind(path: str | Path, writes: str) -> None:
    """Refuse to write a model card into a disclosure file, or a disclosure into a card (WriteError).

    ``writes`` is "card" or "disclosure"; the path's own name and, through symlinks, its
    target's name are both checked, so swapped arguments and links are caught.
    """
    names = {Path(path).suffix.lower(), Path(os.path.realpath(path)).suffix.lower()}
    if writes == "card" and names & _DISCLOSURE_SUFFIXES:
        raise WriteError(f"{path} is a disclosure file, not a model card (.md); is the order of the arguments right?")
    if writes == "disclosure" and names & _CARD_SUFFIXES:
        raise WriteError(f"{path} is a model card (.md); a disclosure is written to a .yaml or .json file")


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace the content of ``path`` (or of the file it links to) with ``data``.

    Mode, owner, group, hard links and symlinks are kept. WriteError (an OSError) when the
    path cannot be written: a missing or read-only folder, a folder or device at the path.
    """
    target = check_writable(path)
    remove_stale_temporaries(target)
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    with _cleanup_on_signals():
        tmp = _write_temporary(target, data, old)
        try:
            if old is not None and (old.st_nlink > 1 or not _same_owner(tmp, old)):
                _rewrite_in_place(target, data)
                os.unlink(tmp)
            else:
                os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    _sync_folder(target.parent)


def _write_temporary(target: Path, data: bytes, old: os.stat_result | None) -> Path:
    import secrets  # only a write pays for it

    name = f".{target.name}{_TMP_TAG}{os.getpid()}-{secrets.token_hex(4)}.tmp"
    tmp = target.parent / name
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        raise WriteError(f"cannot write in {target.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _copy_metadata(tmp, old)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def _copy_metadata(tmp: Path, old: os.stat_result | None) -> None:
    if old is None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    chown = getattr(os, "chown", None)
    mine = (getattr(os, "getuid", lambda: old.st_uid)(), getattr(os, "getgid", lambda: old.st_gid)())
    if chown is not None and (old.st_uid, old.st_gid) != mine:
        with contextlib.suppress(OSError):  # not permitted: the owner is kept by writing in place
            chown(tmp, old.st_uid, old.st_gid)
    os.chmod(tmp, stat.S_IMODE(old.st_mode))


def _same_owner(tmp: Path, old: os.stat_result) -> bool:
    new = tmp.stat()
    return (new.st_uid, new.st_gid) == (old.st_uid, old.st_gid)


def _rewrite_in_place(target: Path, data: bytes) -> None:
    """Write over the file's own inode: its other hard links and its owner stay. Not atomic."""
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove temporary files an earlier, killed write to ``target`` left behind; returns them.

    A temporary file is stale when the process that made it is gone, or when it is older
    than STALE_AFTER. Another process's write in progress is never touched.
    """
    removed: list[Path] = []
    prefix = f".{target.name}{_TMP_TAG}"
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if _running(pid_text) and age < STALE_AFTER:
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _running(pid_text: str) -> bool:
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # another user's process, or a platform that cannot tell: leave it
    return True


class _Interrupted(BaseException):
    """SIGTERM or SIGHUP during a write: unwinds so the temporary file is removed."""


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while writing (main thread only), then re-deliver them."""
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    if threading.current_thread() is not threading.main_thread() or not names:
        yield
        return
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        raise _Interrupted

    saved = {n: signal.signal(getattr(signal, n), handler) for n in names}
    try:
        yield
    except _Interrupted:
        pass
    finally:
        for n, old in saved.items():
            signal.signal(getattr(signal, n), old)
    for signum in received:
        os.kill(os.getpid(), signum)  # the signal's own action now, with the temporary file gone
    if received:
        raise WriteError("the write was interrupted by a signal")
