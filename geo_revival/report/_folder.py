"""The report folder: built next to its destination, then swapped in atomically.

A report is written into a hidden ``.NAME.partial-<pid>-<random>`` folder beside ``NAME``.
When it is complete, an existing ``NAME`` is moved aside (``.NAME.old-<pid>-<random>``), the new
folder moved in, and only then is the old one deleted; any failure on the way puts the old
folder back. Renames within one folder are atomic, so at every moment ``NAME`` is either the
whole old report or the whole new one. SIGTERM is handled like Ctrl-C (the partial folder is
removed), and partial or set-aside folders left by runs that were killed (SIGKILL, power loss)
are removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from geo_revival.exceptions import OutputError

#: Leftovers without a process id in their name count as stale after this many seconds.
STALE_AFTER_S = 3600.0


def _leftover_tag(name: str, kind: str) -> str:
    return f".{name}.{kind}-"


def new_partial(out: Path) -> Path:
    """Create the hidden folder a report for ``out`` is written into (shared permissions)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(
            tempfile.mkdtemp(
                prefix=f"{_leftover_tag(out.name, 'partial')}{os.getpid()}-", dir=out.parent
            )
        )
    except PermissionError as exc:
        raise OutputError(
            f"cannot write the report into {out.parent}: {exc.strerror or exc}. The folder is "
            "read-only or not yours; choose another --out, or fix its permissions."
        ) from exc
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes the folder private; a report is meant to be shared
    return tmp


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _is_stale(path: Path, tag: str) -> bool:
    pid_text = path.name[len(tag) :].split("-", 1)[0]
    if pid_text.isdigit():
        pid = int(pid_text)
        return pid != os.getpid() and not _alive(pid)
    return time.time() - path.stat().st_mtime > STALE_AFTER_S


def clean_stale(out: Path) -> list[Path]:
    """Remove partial and set-aside folders of ``out`` left by runs that no longer run."""
    removed: list[Path] = []
    if not out.parent.is_dir():
        return removed
    for kind in ("partial", "old"):
        tag = _leftover_tag(out.name, kind)
        for path in out.parent.glob(f"{tag}*"):
            with contextlib.suppress(OSError):  # raced with another run, or not ours: leave it
                if path.is_dir() and _is_stale(path, tag):
                    shutil.rmtree(path)
                    removed.append(path)
    return removed


def swap_into_place(tmp: Path, out: Path) -> None:
    """Replace ``out`` by the complete folder ``tmp``: old aside, new in, old deleted.

    On any failure before the new folder is in place the old one is moved back, so ``out`` is
    never lost or half-deleted.
    """
    if not out.exists():
        os.replace(tmp, out)
        return
    aside = Path(
        tempfile.mkdtemp(prefix=f"{_leftover_tag(out.name, 'old')}{os.getpid()}-", dir=out.parent)
    )
    aside.rmdir()  # only the unique name is wanted; os.replace needs it absent
    try:
        os.replace(out, aside)
    except PermissionError as exc:
        raise _cannot_replace(out, exc) from exc
    try:
        os.replace(tmp, out)
    except BaseException as exc:
        os.replace(aside, out)
        if isinstance(exc, PermissionError):
            raise _cannot_replace(out, exc) from exc
        raise
    # The new report is in place; an old one that cannot be deleted now is removed next time.
    shutil.rmtree(aside, ignore_errors=True)


def _cannot_replace(out: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"cannot replace {out}: {exc.strerror or exc}. The old report is left as it was; check "
        "the permissions of the folder and of the one holding it, or choose another --out."
    )


class Terminated(SystemExit):
    """SIGTERM arrived: unwinds like Ctrl-C (cleanup runs), exits with status 143."""


def handle_sigterm() -> Callable[[], None]:
    """Make SIGTERM raise :class:`Terminated` (main thread only); return the undo function."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def _handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated(128 + signum)

    previous = signal.signal(signal.SIGTERM, _handler)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore
