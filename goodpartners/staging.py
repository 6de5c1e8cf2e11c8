"""A folder of results that always holds one run's files as a set (batch --out).

A run writes into a hidden staging folder inside the target, then swaps the whole set in
under a lock, moving aside only the files an earlier run wrote. A failed or stopped run
leaves the folder as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import IO, cast

from goodpartners.errors import OutputError
from goodpartners.files import PRIVATE_DIR, PRIVATE_FILE, NamedWrites, ensure_private_dir

MANIFEST_NAME = ".goodpartners-files"
STAGE_PREFIX = ".goodpartners-run-"
STALE_AFTER = 60.0  # seconds; a staging folder younger than this may be a run that is starting
_SAFE_NAME = re.compile(r"[A-Za-z0-9@_-][A-Za-z0-9@._-]*")
_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_NEW_FILE |= getattr(os, "O_BINARY", 0)  # Windows: newlines are the stream's business


class StagedFolder:
    """A folder of results that always holds one run's files as a set.

    The run writes into a hidden staging folder inside the target (so on the same file
    system, and needing no more rights than the target itself). commit() then, while it
    holds a lock on the target, moves the earlier run's files aside, renames the new ones
    in, and only then deletes the earlier ones; if a step fails, everything moves back.
    The earlier run's files are the fixed names in `known`, and the files in `folders`
    that it listed in its manifest. Any other file is the user's and is left alone.
    """

    def __init__(
        self,
        target: Path,
        known: Sequence[str],
        folders: Sequence[str] = (),
        option: str = "--out",
    ) -> None:
        self.target = target
        self.known = tuple(known)
        self.folders = tuple(folders)
        self.option = option
        self._written: list[str] = []
        try:
            self._made = [p for p in (target, *target.parents) if not p.exists()]
        except OSError:
            self._made = []
        ensure_private_dir(target)
        _clear_stale_stages(target)
        try:
            self._stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=target))
        except OSError as exc:
            self._remove_made_folders()
            raise OutputError(
                f"{target}: cannot write in this folder ({exc.strerror or exc}); check that you "
                f"can write there, or choose another folder with {option}"
            ) from None
        self._lock = _try_lock(self._stage)

    def path(self, name: str) -> Path:
        """Where a file of the set ends up, such as out/people/ann.md for people/ann.md."""
        return self.target.joinpath(*name.split("/"))

    def scratch(self) -> Path:
        """A private folder for a run's working files, never moved into the target: it goes
        with the staging folder, whether the run is committed or discarded."""
        folder = self._stage / ".scratch"
        folder.mkdir(PRIVATE_DIR, exist_ok=True)
        return folder

    @contextlib.contextmanager
    def open(self, name: str, encoding: str = "utf-8") -> Iterator[IO[str]]:
        """Stage a new text file of the set; a failed write names the file it was for."""
        final = self.path(name)
        staged = self._stage.joinpath(*name.split("/"))
        try:
            if staged.parent != self._stage:
                staged.parent.mkdir(PRIVATE_DIR, exist_ok=True)
            handle = os.open(staged, _NEW_FILE, PRIVATE_FILE)
        except OSError as exc:
            raise _cannot_write(final, exc, self.target, self.option) from None
        with contextlib.suppress(OSError):  # a umask can take bits away; 0600 is the rule
            os.chmod(staged, PRIVATE_FILE)
        stream = os.fdopen(handle, "w", encoding=encoding, newline="")
        try:
            yield cast(
                IO[str],
                NamedWrites(
                    stream, lambda exc: _cannot_write(final, exc, self.target, self.option)
                ),
            )
            try:
                stream.flush()
                os.fsync(stream.fileno())
                stream.close()
            except OSError as exc:
                raise _cannot_write(final, exc, self.target, self.option) from None
        except BaseException:
            with contextlib.suppress(OSError):
                stream.close()
            with contextlib.suppress(OSError):
                staged.unlink()
            raise
        self._written.append(name)

    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        """Stage a new text file of the set; returns where it will be."""
        with self.open(name, encoding) as stream:
            stream.write(text)
        return self.path(name)

    def commit(self, names: Collection[str] | None = None) -> list[str]:
        """Put the staged files (or only `names`) in place of the earlier set; returns warnings."""
        new = [n for n in self._written if names is None or n in names]
        listed = sorted(n for n in new if "/" in n)
        try:
            if listed:
                about = (
                    "The files goodpartners wrote in these folders in its last run here, so that "
                    "the next run can replace them and leave every other file alone."
                )
                text = json.dumps({"about": about, "files": listed}, indent=2) + "\n"
                self.write(MANIFEST_NAME, text)
                new.append(MANIFEST_NAME)
            with _locked(self.target) as handle:
                earlier = self._earlier(new)
                self._swap(earlier, new)
                # Each file was flushed to the disk before its rename (see open), so a crash
                # never leaves an empty or cut-short file under a result's name; flushing
                # the folders makes the renames themselves last. That is one fsync per
                # file and one per folder, and no more: the staging folder is thrown away.
                if handle is not None:
                    with contextlib.suppress(OSError):
                        os.fsync(handle)
                for folder in sorted({n.split("/")[0] for n in new if "/" in n}):
                    _sync_folder(self.path(folder))
        except BaseException:
            self.discard()
            raise
        self._remove_stage()  # the earlier files went into it, so they go with it
        for folder in {n.split("/")[0] for n in earlier if "/" in n}:
            with contextlib.suppress(OSError):  # only when empty
                self.path(folder).rmdir()
        return _others_in_folders(self.target, self.folders, set(new))

    def discard(self) -> None:
        """Forget the staged files; the target is left as it was before the run."""
        self._remove_stage()
        self._remove_made_folders()

    def _earlier(self, new: list[str]) -> list[str]:
        """The earlier run's files: known names, listed names, and names this run writes."""
        names = [*self.known, MANIFEST_NAME, *self._listed(), *new]
        earlier: list[str] = []
        for name in dict.fromkeys(names):
            try:
                mode = self.path(name).lstat().st_mode
            except OSError:
                continue
            if not stat.S_ISDIR(mode):  # a folder of that name is the user's; leave it
                earlier.append(name)
        return earlier

    def _listed(self) -> list[str]:
        """The files the earlier run listed in its manifest, if it left a good one."""
        try:
            data = json.loads(self.path(MANIFEST_NAME).read_text(encoding="utf-8"))
            files = data["files"]
        except (OSError, ValueError, TypeError, KeyError):
            return []
        listed = []
        for name in files if isinstance(files, list) else []:
            parts = name.split("/") if isinstance(name, str) else []
            if len(parts) == 2 and parts[0] in self.folders and _SAFE_NAME.fullmatch(parts[1]):
                listed.append(name)
        return listed

    def _swap(self, earlier: list[str], new: list[str]) -> None:
        aside = self._stage / ".earlier"
        moved: list[tuple[Path, Path]] = []
        made: list[Path] = []
        try:
            for name in earlier:
                source, place = self.path(name), aside.joinpath(*name.split("/"))
                try:
                    place.parent.mkdir(PRIVATE_DIR, parents=True, exist_ok=True)
                    os.rename(source, place)
                except OSError as exc:
                    raise _cannot_replace(source, exc, self.target, self.option) from None
                moved.append((source, place))
            for name in new:
                staged, final = self._stage.joinpath(*name.split("/")), self.path(name)
                try:
                    if not final.parent.is_dir():
                        final.parent.mkdir(PRIVATE_DIR)
                        made.append(final.parent)
                        with contextlib.suppress(OSError):
                            final.parent.chmod(PRIVATE_DIR)
                    os.replace(staged, final)
                except OSError as exc:
                    raise _cannot_place(final, exc, self.target, self.option) from None
                moved.append((staged, final))
        except BaseException:
            _undo(moved, made)
            raise

    def _remove_stage(self) -> None:
        shutil.rmtree(self._stage, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _remove_made_folders(self) -> None:
        for folder in self._made:  # the deepest first; only the empty ones go
            with contextlib.suppress(OSError):
                folder.rmdir()


def _undo(moved: list[tuple[Path, Path]], made: list[Path]) -> None:
    """Put back what a swap that failed half-way had moved, and remove the folders it made."""
    for source, place in reversed(moved):
        with contextlib.suppress(OSError):
            os.replace(place, source)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _others_in_folders(target: Path, folders: Sequence[str], new: set[str]) -> list[str]:
    """Warnings for files in our folders that this run did not write, such as old reports."""
    warnings = []
    for folder in folders:
        try:
            others = sorted(
                entry.name
                for entry in os.scandir(target / folder)
                if f"{folder}/{entry.name}" not in new
            )
        except OSError:
            continue
        if not others:
            continue
        shown = ", ".join(others[:3])
        if len(others) > 3:
            shown += f" and {len(others) - 3} more"
        if len(others) == 1:
            count, were, them, are = "1 file", "it was", "it", "it is"
        else:
            count, were, them, are = f"{len(others)} files", "they were", "them", "they are"
        warnings.append(
            f"{target / folder} holds {count} that this run did not write ({shown}); "
            f"{were} left in place, so delete {them} if {are} from an earlier run"
        )
    return warnings


def _cannot_write(path: Path, exc: OSError, target: Path, option: str) -> OutputError:
    if exc.errno in _DISK_FULL:
        advice = "free some space"
    elif exc.errno in _NOT_ALLOWED:
        advice = "check that you can write there"
    else:
        advice = "check the folder"
    return OutputError(
        f"{path}: cannot write the file ({exc.strerror or exc}), so nothing in {target} "
        f"was changed; {advice}, or choose another folder with {option}"
    )


def _cannot_replace(path: Path, exc: OSError, target: Path, option: str) -> OutputError:
    return OutputError(
        f"{path}: cannot move the earlier run's file out of the way ({exc.strerror or exc}), "
        f"so nothing in {target} was changed; close it if another program has it open, "
        f"or choose another folder with {option}"
    )


def _cannot_place(path: Path, exc: OSError, target: Path, option: str) -> OutputError:
    return OutputError(
        f"{path}: cannot put the new file in place ({exc.strerror or exc}), so nothing in "
        f"{target} was changed; check that you can write there, or choose another "
        f"folder with {option}"
    )


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (its renames) to the disk, where the system allows it."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _clear_stale_stages(target: Path) -> None:
    """Remove staging folders that killed runs left: old, and no live run holds them."""
    try:
        entries = [e for e in os.scandir(target) if e.name.startswith(STAGE_PREFIX)]
    except OSError:
        return
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER:
                continue
        except OSError:
            continue
        handle = _try_lock(Path(entry.path))
        if handle is not None:
            shutil.rmtree(entry.path, ignore_errors=True)
            os.close(handle)


def _try_lock(folder: Path) -> int | None:
    """An open handle that holds the folder's lock, or None if another holds it (or no locks)."""
    if sys.platform == "win32":
        return None
    import fcntl

    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        return None
    return handle


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[int | None]:
    """Hold the folder's lock, waiting for another run to finish its swap; yields its handle.

    Where there are no locks (Windows, some network file systems) the swap still goes
    ahead: each rename is atomic, but two runs finishing at the same moment may mix.
    """
    if sys.platform == "win32":
        yield None
        return
    import fcntl

    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        yield None
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield handle
    finally:
        os.close(handle)
