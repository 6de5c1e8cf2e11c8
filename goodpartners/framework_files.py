"""Finding a framework file and reading its bytes, without checking them.

This needs neither YAML nor pydantic, so 'assess' can find its framework in the cache
of checked frameworks (framework_cache.py) and show the first statement before
either loads. Checking a framework is frameworks.py's work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from goodpartners.errors import FrameworkError, FrameworkNotFoundError, Problem
from goodpartners.files import NotARegularFile, read_bounded

MAX_FRAMEWORK_BYTES = 1_000_000
FRAMEWORK_SUFFIXES = (".yaml", ".yml")
DEFAULT_FRAMEWORK = "good-partners"


def data_home() -> Path:
    """The folder for this user's saved results and own frameworks."""
    override = os.environ.get("GOODPARTNERS_HOME")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("goodpartners", appauthor=False))


def cache_home() -> Path:
    """The folder for things that can be made again, such as compiled templates."""
    override = os.environ.get("GOODPARTNERS_HOME")
    if override:
        return Path(override).expanduser() / "cache"
    return Path(platformdirs.user_cache_dir("goodpartners", appauthor=False))


def shipped_frameworks_dir() -> Path:
    """The folder of frameworks that come with the tool.

    A wheel carries them inside the package; an editable install or a source
    checkout finds them in the top-level `frameworks/` folder beside it.
    """
    package = Path(__file__).resolve().parent
    for candidate in (package / "frameworks", package.parent / "frameworks"):
        if candidate.is_dir():
            return candidate
    return package / "frameworks"


def user_frameworks_dir() -> Path:
    """The folder where a user can put frameworks of their own."""
    return data_home() / "frameworks"


@dataclass(frozen=True)
class FrameworkEntry:
    """A framework file found on this computer."""

    name: str
    path: Path
    origin: str  # "shipped" or "user"


def list_frameworks() -> list[FrameworkEntry]:
    """Every framework file that ships with the tool or sits in the user's folder."""
    entries: list[FrameworkEntry] = []
    for origin, folder in (("shipped", shipped_frameworks_dir()), ("user", user_frameworks_dir())):
        if not folder.is_dir():
            continue
        try:
            paths = sorted(folder.iterdir())
        except OSError:
            continue  # a folder this user cannot open; the shipped framework still works
        for path in paths:
            if path.suffix in FRAMEWORK_SUFFIXES and path.is_file():
                entries.append(FrameworkEntry(path.stem, path, origin))
    return entries


def resolve_framework(name_or_path: str | None) -> Path:
    """Turn a framework name or a file path into a file path."""
    wanted = name_or_path or DEFAULT_FRAMEWORK
    as_path = Path(wanted).expanduser()
    if as_path.suffix in FRAMEWORK_SUFFIXES or os.sep in wanted or "/" in wanted:
        if as_path.is_file():
            return as_path
        raise FrameworkNotFoundError(
            f"{wanted}: no such file; check the path, or run 'goodpartners framework list'"
        )
    entries = list_frameworks()
    # A user's own framework of the same name wins over the shipped one.
    for entry in reversed(entries):
        if entry.name == wanted:
            return entry.path
    names = ", ".join(sorted({e.name for e in entries})) or "none found"
    raise FrameworkNotFoundError(
        f"no framework called '{wanted}' (known: {names}); "
        "give a file path, or run 'goodpartners framework list'"
    )


def read_framework_file(path: Path) -> bytes:
    """The bytes of a framework file, up to one past the size limit; FrameworkError when
    it cannot be read, with what to do."""
    display = str(path)
    try:
        # One byte past the cap, so a huge file is refused without reading it all.
        return read_bounded(path, MAX_FRAMEWORK_BYTES)
    except NotARegularFile:
        raise framework_error(
            display,
            "not a regular file (a device, pipe or socket); give a YAML framework file",
        ) from None
    except IsADirectoryError:
        raise framework_error(display, "this is a folder; give a YAML framework file") from None
    except OSError as exc:
        raise framework_error(
            display, f"cannot read the file ({exc.strerror}); check the path and try again"
        ) from None


def framework_error(
    display: str, message: str, line: int | None = None, col: int | None = None
) -> FrameworkError:
    """One problem with a framework file, as the error that reports it."""
    return FrameworkError([Problem(display, line, col, message)])
