"""A checked framework kept between runs, so that 'assess' asks its first question sooner.

Checking a framework builds pydantic's validators, which takes longer than the rest of
the start. Once a framework file has passed every check, the result is kept in the
user's cache folder and loaded again as long as the file has not changed. The cache
is only a shortcut: any trouble with it (missing, corrupt, from another version, a
folder that cannot be written) means checking the file again, as if it were not there.
See docs/your-data.md.

Each entry also keeps the framework's plain view (framework_view.py), which loads
without pydantic: 'assess' shows its first statement from it while the models load.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from goodpartners.files import private_folder_or_none
from goodpartners.framework_view import FrameworkView, ScaleView, StatementView

if TYPE_CHECKING:
    from goodpartners.models import Framework

CACHE_ENV = "GOODPARTNERS_CACHE"
FORMAT = 2
_CODE = ("models.py", "frameworks.py", "framework_cache.py", "framework_view.py")


@dataclass(frozen=True)
class CachedFramework:
    """A framework found in the cache: its plain view, and the checked model, pickled
    on its own so that the view loads without pydantic."""

    view: FrameworkView
    model: bytes

    def framework(self) -> Framework | None:
        """The checked framework; None when it cannot be loaded (then check the file)."""
        from goodpartners.models import Framework

        try:
            framework = pickle.loads(self.model)
        except Exception:  # from code that has changed: check again
            return None
        return framework if isinstance(framework, Framework) else None


def cache_dir() -> Path:
    """The folder for checked frameworks: $GOODPARTNERS_CACHE, else the user cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("goodpartners", appauthor=False)) / "frameworks"


def _key(path: Path, raw: bytes) -> tuple[object, ...]:
    """Everything the checked framework depends on: the file and the code that checks it."""
    info = path.stat()
    here = Path(__file__).parent
    code = []
    for name in _CODE:  # an upgrade, or an edit to the rules, means checking again
        source = (here / name).stat()
        code.append((name, source.st_size, source.st_mtime_ns))
    return (
        FORMAT,
        sys.version_info[:2],
        _pydantic_version(),
        tuple(code),
        str(path.resolve()),
        info.st_size,
        info.st_mtime_ns,
        hashlib.sha256(raw).hexdigest(),
    )


def view_of(framework: Framework) -> FrameworkView:
    """The plain view of a checked framework."""
    scale = framework.scale
    return FrameworkView(
        id=framework.id,
        title=framework.title,
        scale=ScaleView(scale.min, scale.max, dict(scale.labels), scale.not_applicable),
        statements=tuple(
            StatementView(competency.name, item.text, item.quick)
            for competency, item in framework.items()
        ),
    )


def _pydantic_version() -> tuple[object, ...]:
    """Which pydantic is installed, found without importing it (which takes 25 ms)."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return ()
    package = Path(spec.origin)
    info = package.stat()
    version = package.with_name("version.py")  # where pydantic keeps VERSION
    source = version.read_bytes() if version.is_file() else b""
    return (str(package), info.st_size, info.st_mtime_ns, hashlib.sha256(source).hexdigest())


def _entry(folder: Path, path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return folder / f"{name[:32]}.pickle"


def _read(entry: Path, key: tuple[object, ...]) -> CachedFramework | None:
    """The cached framework, only from a private file this user owns whose key matches."""
    try:
        with entry.open("rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            # Loading a pickle runs code: never one that someone else could have written.
            if sys.platform != "win32" and (info.st_uid != os.geteuid() or info.st_mode & 0o022):
                return None
            stored_key, found = pickle.load(stream)
    except Exception:  # corrupt, cut short, or from code that has changed: check again
        return None
    if stored_key != key or not isinstance(found, CachedFramework):
        return None
    return found


def _write(entry: Path, key: tuple[object, ...], framework: Framework) -> None:
    """Write the entry privately and atomically; a failure leaves no partial file."""
    with contextlib.suppress(Exception):
        model = pickle.dumps(framework, protocol=pickle.HIGHEST_PROTOCOL)
        found = CachedFramework(view_of(framework), model)
        data = pickle.dumps((key, found), protocol=pickle.HIGHEST_PROTOCOL)
        handle, temp_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(handle, "wb") as stream:  # mkstemp makes it 0600
                stream.write(data)
            os.replace(temp_name, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise


def cached_view(path: Path, raw: bytes) -> CachedFramework | None:
    """The framework in `raw` (read from `path`) when the cache holds it for this very
    file and code; None otherwise. Loads no pydantic: the model loads when asked for."""
    try:
        key = _key(path, raw)
    except OSError:
        return None
    folder = private_folder_or_none(cache_dir())
    return _read(_entry(folder, path), key) if folder is not None else None


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
        found = _read(entry, key)
        framework = found.framework() if found is not None else None
        if framework is not None:
            return framework
    framework = check()
    if entry is not None:
        _write(entry, key, framework)
    return framework
