"""Private, atomic file writing: a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

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


def write_private(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write text to a file only this user can read, via a temp file and a rename."""
    ensure_private_dir(path.parent)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            temp.chmod(PRIVATE_FILE)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return path
