"""Private, atomic file writing: a crash or a full disk never leaves half a file, or half a set."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

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
            yield cast(IO[str], NamedWrites(stream, lambda exc: _cannot_write(path, exc)))
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
            # A write that fails (a full disk) names the file, not just the error.
            yield cast(IO[str], NamedWrites(stream, lambda exc: _cannot_write(path, exc)))
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


def private_folder_or_none(folder: Path) -> Path | None:
    """The folder, made if missing, when it is one only this user can write to; else None.

    For things that can be made again, such as a cache: any trouble means doing without.
    """
    try:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for path in reversed(missing):
            path.mkdir(PRIVATE_DIR, exist_ok=True)
            with contextlib.suppress(OSError):
                path.chmod(PRIVATE_DIR)
        info = folder.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    # Compiled code that someone else could plant must never be loaded.
    if sys.platform != "win32" and (info.st_uid != os.geteuid() or info.st_mode & 0o022):
        return None
    return folder


class NamedWrites:
    """A text stream whose write errors become an OutputError that names the file."""

    def __init__(self, stream: IO[str], fail: Callable[[OSError], OutputError]) -> None:
        self._stream = stream
        self._fail = fail

    def write(self, text: str) -> int:
        """Write, naming the file if it fails."""
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise self._fail(exc) from None
