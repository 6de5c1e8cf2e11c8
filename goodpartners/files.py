"""Private, atomic file writing: a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from goodpartners.errors import OutputError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def ensure_private_dir(folder: Path) -> Path:
    """Create a folder only this user can open, if it is not there yet."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        for path in reversed(missing):
            path.mkdir(exist_ok=True)
            with contextlib.suppress(OSError):  # Windows, or a folder we do not own
                path.chmod(PRIVATE_DIR)
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot make this folder ({exc.strerror}); "
            "check the path, or choose another place"
        ) from None
    return folder


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"{path}: cannot write the file ({exc.strerror}); check that the folder exists and "
        "that you can write there, or choose another place"
    )


@contextlib.contextmanager
def atomic_open(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write a text file only this user can read, through a temp file renamed on success.

    The temp file sits in the same folder, so the rename is atomic; if anything goes
    wrong before the end, the old file (if any) is untouched and the temp file is removed.
    A device or a named pipe, such as /dev/stdout, is written to as it is: replacing it
    with a file would break it.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = 0
    if stat.S_ISDIR(mode):
        raise OutputError(f"{path}: this is a folder, not a file; give a file name")
    if mode and not stat.S_ISREG(mode):
        try:
            stream = path.open("w", encoding=encoding, newline="")
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        with stream:
            yield stream
        return
    ensure_private_dir(path.parent)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            yield stream
            try:
                stream.flush()
                os.fsync(stream.fileno())
            except OSError as exc:
                raise _cannot_write(path, exc) from None
        with contextlib.suppress(OSError):  # Windows keeps its own permissions
            temp.chmod(PRIVATE_FILE)
        try:
            os.replace(temp, path)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_private(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write text to a file only this user can read, via a temp file and a rename."""
    with atomic_open(path, encoding) as stream:
        stream.write(text)
    return path


class NotARegularFile(OSError):
    """The path is a device, a pipe or a socket: reading it could hang or never end."""


def read_bounded(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes of a regular file, so a caller can refuse one too big.

    Opening does not wait for a writer (a FIFO would hang), and devices such as
    /dev/zero, pipes and sockets are refused before any byte is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags)
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "it is a folder, not a file", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(0, "not a regular file", str(path))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)
