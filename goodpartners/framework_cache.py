"""A checked framework kept between runs, so that 'assess' asks its first question sooner.

Checking a framework builds pydantic's validators, which takes longer than the rest of
the start. Once a framework file has passed every check, the result is kept in the
user's cache folder and loaded again as long as the file has not changed. The cache
is only a shortcut: any trouble with it (missing, corrupt, from another version, a
folder that cannot be written) means checking the file again, as if it were not there.
See docs/your-data.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from goodpartners.files import private_folder_or_none

if TYPE_CHECKING:
    from goodpartners.models import Framework

CACHE_ENV = "GOODPARTNERS_CACHE"
FORMAT = 1
_CODE = ("models.py", "frameworks.py", "framework_cache.py")


def cache_dir() -> Path:
    """The folder for checked frameworks: $GOODPARTNERS_CACHE, else the user cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("goodpartners", appauthor=False)) / "frameworks"


def _key(path: Path, raw: bytes) -> tuple[object, ...]:
    """Everything the checked framework depends on: the file and the code that checks it."""
    import pydantic.version

    info = path.stat()
    here = Path(__file__).parent
    code = []
    for name in _CODE:  # an upgrade, or an edit to the rules, means checking again
        source = (here / name).stat()
        code.append((name, source.st_size, source.st_mtime_ns))
    return (
        FORMAT,
        sys.version_info[:2],
        pydantic.version.VERSION,
        tuple(code),
        str(path.resolve()),
        info.st_size,
        info.st_mtime_ns,
        hashlib.sha256(raw).hexdigest(),
    )


def _entry(folder: Path, path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return folder / f"{name[:32]}.pickle"


def _read(entry: Path, key: tuple[object, ...]) -> Framework | None:
    """The cached framework, only from a private file this user owns whose key matches."""
    from goodpartners.models import Framework

    try:
        with entry.open("rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            # Loading a pickle runs code: never one that someone else could have written.
            if sys.platform != "win32" and (info.st_uid != os.geteuid() or info.st_mode & 0o022):
                return None
            stored_key, framework = pickle.load(stream)
    except Exception:  # corrupt, cut short, or from code that has changed: check again
        return None
    if stored_key != key or not isinstance(framework, Framework):
        return None
    return framework


def _write(entry: Path, key: tuple[object, ...], framework: Framework) -> None:
    """Write the entry privately and atomically; a failure leaves no partial file."""
    with contextlib.suppress(Exception):
        data = pickle.dumps((key, framework), protocol=pickle.HIGHEST_PROTOCOL)
        handle, temp_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(handle, "wb") as stream:  # mkstemp makes it 0600
                stream.write(data)
            os.replace(temp_name, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise


def cached_framework(path: Path, raw: bytes, check: Callable[[], Framework]) -> Framework:
    """The framework in `raw` (read from `path`): from the cache when the file and the
    code are unchanged, else from `check()`, whose result is then kept for next time.

    `check` raises for a framework with problems; nothing is cached for it.
    """
    try:
        key = _key(path, raw)
    except OSError:
        return check()
    folder = private_folder_or_none(cache_dir())
    entry = _entry(folder, path) if folder is not None else None
    if entry is not None:
        framework = _read(entry, key)
        if framework is not None:
            return framework
    framework = check()
    if entry is not None:
        _write(entry, key, framework)
    return framework
