"""Private, atomic file writing: a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def ensure_private_dir(folder: Path) -> Path:
    """Create a folder only this user can open, if it is not there yet."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):  # Windows, or a folder we do not own
            path.chmod(PRIVATE_DIR)
    return folder


@contextlib.contextmanager
def atomic_open(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write a text file only this user can read, through a temp file renamed on success.

    The temp file sits in the same folder, so the rename is atomic; if anything goes
    wrong before the end, the old file (if any) is untouched and the temp file is removed.
    """
    ensure_private_dir(path.parent)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):  # Windows keeps its own permissions
            temp.chmod(PRIVATE_FILE)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_private(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write text to a file only this user can read, via a temp file and a rename."""
    with atomic_open(path, encoding) as stream:
        stream.write(text)
    return path
