"""Where unfinished assessments are kept, and the lock that lets one run at a time
write there. No models: 'assess' takes the lock before they load."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from goodpartners.errors import HistoryError
from goodpartners.files import ensure_private_dir
from goodpartners.framework_files import data_home


def drafts_dir() -> Path:
    """The folder of unfinished assessments."""
    return data_home() / "drafts"


def draft_path(framework_id: str, quick: bool) -> Path:
    """Where the unfinished assessment for this framework and mode is kept."""
    return drafts_dir() / f"{framework_id}{'-quick' if quick else ''}.json"


@contextlib.contextmanager
def draft_in_use(path: Path, command: str) -> Iterator[None]:
    """Hold a draft for this run, so two runs at once cannot write over each other's
    answers; raises HistoryError when another run holds it. The lock goes with the run."""
    ensure_private_dir(path.parent)
    lock = path.with_name(f".{path.stem}.lock")
    try:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # a folder where no lock can be made: carry on, as before locks
        return
    try:
        if not _lock(handle):
            raise HistoryError(
                f"another '{command}' is running and saving its answers in {path}; "
                "finish it, or type q there to save and stop, then run this again"
            )
        yield
    finally:
        os.close(handle)  # closing releases the lock, also when the process dies


def _lock(handle: int) -> bool:
    """Take an exclusive lock without waiting; False if another process has it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno not in {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK}
    return True
