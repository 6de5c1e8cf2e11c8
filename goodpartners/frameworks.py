"""Load framework YAML safely and validate it with positions (finding the files is
framework_files.py's work)."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from goodpartners.errors import FrameworkError, Problem
from goodpartners.framework_files import (
    MAX_FRAMEWORK_BYTES,
    read_framework_file,
    resolve_framework,
)
from goodpartners.framework_files import framework_error as _error
from goodpartners.models import (
    Band,
    Competency,
    Framework,
    Item,
    Question,
    Resource,
    Scale,
    Scoring,
    Theme,
)

if TYPE_CHECKING:
    # YAML loads only when a file is parsed: a framework found in the cache of checked
    # frameworks (framework_cache.py) is not, which keeps 'assess' quick to start.
    import yaml

MAX_FRAMEWORK_DEPTH = 32
"""Deepest nesting allowed; a real framework needs about ten levels."""

Path_ = tuple[str | int, ...]


def load_framework(name_or_path: str | None = None, cached: bool = False) -> Framework:
    """Find, read and validate a framework by name or path.

    With `cached`, a file that passed every check before, and has not changed since,
    is loaded from the user's cache instead of being checked again (framework_cache.py).
    """
    path = resolve_framework(name_or_path)
    return load_framework_file(path, cached)


def load_framework_file(path: Path, cached: bool = False) -> Framework:
    """Read and validate one framework file, raising FrameworkError with every problem."""
    return check_framework(path, read_framework_file(path), cached)


def check_framework(path: Path, raw: bytes, cached: bool = False) -> Framework:
    """Validate the bytes read from a framework file (with `cached`, as load_framework)."""
    display = str(path)
    if cached:
        from goodpartners.framework_cache import cached_framework

        return cached_framework(path, raw, lambda: parse_framework(raw, display))
    return parse_framework(raw, display)


def parse_framework(raw: bytes, display: str) -> Framework:
    """Validate framework YAML given as bytes; `display` names it in messages."""
    text = _decode(raw, display)
    fast = _compose_fast(text, display)
    if fast is not None:
        framework, problems = _validate(*fast, display)
        if framework is not None and not problems:
            return framework
    # Anything wrong is read again by the pure-Python parser, whose positions and
    # refusals (aliases, deep nesting) the messages are built on.
    framework, problems = _validate(*_compose(text, display), display)
    if problems or framework is None:
        raise FrameworkError(problems)
    return framework


_LIBYAML = object()
_CSafeLoader: Any = _LIBYAML
"""libyaml's loader when PyYAML has it; None forces the pure-Python parser (for tests)."""


def _compose_fast(
    text: str, display: str
) -> tuple[dict[str, Any], _Positions, list[Problem]] | None:
    """Parse with libyaml when the file is plain: no aliases and no deep nesting.

    Every start of the tool loads a framework, so this keeps start-up quick; None means
    'use the careful parser', which also gives exact positions for any problem.
    """
    import yaml

    c_loader = getattr(yaml, "CSafeLoader", None) if _CSafeLoader is _LIBYAML else _CSafeLoader
    if c_loader is None:
        return None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=c_loader):
            if isinstance(event, yaml.AliasEvent):
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_FRAMEWORK_DEPTH:
                    return None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        loader = c_loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    positions = _Positions({}, {})
    problems: list[Problem] = []
    data = _construct(loader, node, (), positions, problems, display)
    if problems or not isinstance(data, dict):
        return None
    return data, positions, problems


def _decode(raw: bytes, display: str) -> str:
    if len(raw) > MAX_FRAMEWORK_BYTES:
        raise _error(
            display,
            f"the file is larger than the {MAX_FRAMEWORK_BYTES:,} byte limit for a framework; "
            "check that it is the right file",
        )
    if not raw.strip():
        raise _error(
            display, "the file is empty; a framework needs at least id, title, scale and themes"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(raw):
        raise _error(
            display,
            "the file is saved as UTF-16; save it as UTF-8 "
            "(in Notepad: Save As, Encoding: UTF-8) and try again",
        )
    if b"\x00" in raw:
        raise _error(
            display,
            "this is not a text file (it contains binary data); "
            "check that you gave the right file, a framework saved as YAML text",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise _error(
            display,
            f"the file is not saved as UTF-8 (byte 0x{raw[exc.start]:02x} here is not UTF-8; "
            "it is often a curly quote or accent from Word); "
            "save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8) and try again",
            line,
            col,
        ) from None
    control = _not_yaml_text().search(text)
    if control is not None:
        at = control.start()
        raise _error(
            display,
            f"this line has a control character (U+{ord(control.group()):04X}) that YAML does "
            "not allow; delete it (it is often pasted in by accident) and try again",
            text.count("\n", 0, at) + 1,
            at - (text.rfind("\n", 0, at) + 1) + 1,
        )
    return text


def _not_yaml_text() -> re.Pattern[str]:
    """The characters PyYAML refuses before parsing; found here so the message has a place."""
    import yaml

    return yaml.reader.Reader.NON_PRINTABLE


def _looks_like_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte order mark: plain text with a zero byte beside every character."""
    if b"\x00" not in raw[:200]:
        return False
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if all(ch.isprintable() or ch in "\t\r\n" for ch in text):
            return True
    return False


@functools.cache
def _no_alias_loader() -> type[yaml.SafeLoader]:
    """The loader class for _compose, made on first use so that YAML loads only then."""
    import yaml

    class _SafeNoAliasLoader(yaml.SafeLoader):
        """A pure-Python safe loader that refuses aliases, so a 'billion laughs' file cannot expand.

        It also limits nesting, because composing is recursive and a file of a
        hundred thousand '[' would otherwise end in a RecursionError.
        """

        _depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Refused(
                    "YAML aliases (*name) are not allowed in a framework; "
                    "write the text out in full",
                    mark,
                )
            if self._depth >= MAX_FRAMEWORK_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Refused(
                    f"the file is nested more than {MAX_FRAMEWORK_DEPTH} levels deep; "
                    "check the indenting and the brackets",
                    mark,
                )
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return _SafeNoAliasLoader


class _Refused(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        self.message = message
        self.line = int(mark.line) + 1
        self.column = int(mark.column) + 1


@dataclass
class _Positions:
    values: dict[Path_, tuple[int, int]]
    keys: dict[Path_, tuple[int, int]]

    def find(self, path: Path_, key: bool = False) -> tuple[int, int] | None:
        table = self.keys if key else self.values
        # Walk up to the nearest node the file has, for missing keys and bad types.
        for end in range(len(path), -1, -1):
            hit = table.get(path[:end]) or self.values.get(path[:end])
            if hit is not None:
                return hit
        return None


def _compose(text: str, display: str) -> tuple[dict[str, Any], _Positions, list[Problem]]:
    """Parse YAML into plain data, with the position of every node.

    Problems found while reading values (repeated keys, refused tags) are
    returned, not raised, so they are reported with the rest.
    """
    import yaml

    loader = _no_alias_loader()(text)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        raise _error(display, exc.message, exc.line, exc.column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or "not valid YAML"
        if "\t" in problem or "found character '\\t'" in problem:
            message = "a tab is used for indenting; YAML needs spaces, so replace tabs with spaces"
        elif "another document" in problem:
            message = (
                "a second YAML document starts here (a '---' line); "
                "keep one framework per file, or remove the extra '---'"
            )
        else:
            message = f"not valid YAML: {problem}; check the indenting and quotes near here"
        raise _error(display, message, line, col) from None
    except yaml.YAMLError as exc:
        raise _error(display, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise _error(
            display, "the file has no content; a framework needs id, title, scale and themes"
        )
    positions = _Positions({}, {})
    problems: list[Problem] = []
    data = _construct(loader, node, (), positions, problems, display)
    if problems and not isinstance(data, dict):
        raise FrameworkError(problems)
    if not isinstance(data, dict):
        raise _error(
            display,
            "the top level must be a set of 'key: value' lines (id, title, scale, themes...)",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    return data, positions, problems


_YAML = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_YAML + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_TEXT_TAGS = {_YAML + "merge", _YAML + "value"}  # '<<' and '=' are plain text here


def _tag_problem(node: yaml.Node) -> str | None:
    """Why a node's tag is refused, or None; only plain YAML is allowed, never objects."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        allowed = node.tag == _YAML + "map"
    elif isinstance(node, yaml.SequenceNode):
        allowed = node.tag == _YAML + "seq"
    else:
        allowed = node.tag in _PLAIN_TAGS or node.tag in _TEXT_TAGS
    if allowed:
        return None
    shown = node.tag.replace(_YAML, "!!", 1)
    return f"the tag '{shown}' is not allowed in a framework; remove it and write plain text"


def _construct(
    loader: Any,
    node: yaml.Node,
    path: Path_,
    positions: _Positions,
    problems: list[Problem],
    display: str,
) -> Any:
    import yaml

    mark = node.start_mark
    positions.values[path] = (mark.line + 1, mark.column + 1)
    refused = _tag_problem(node)
    if refused:
        problems.append(
            Problem(display, mark.line + 1, mark.column + 1, refused, _pretty_path(path))
        )
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(
                        display,
                        *position,
                        "a key must be a plain word, such as 'text'; check the indenting",
                        _pretty_path(path),
                    )
                )
                continue
            key = _construct(loader, key_node, path, _Positions({}, {}), problems, display)
            if key is None and key_node.tag != _YAML + "null":
                continue  # the key's tag was refused, and that is reported already
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key)
            child = (*path, key)
            if key in result:
                problems.append(
                    Problem(
                        display,
                        *position,
                        f"'{key}' appears twice here; remove or rename one of them",
                        _pretty_path(child),
                    )
                )
            positions.keys[child] = position
            result[key] = _construct(loader, value_node, child, positions, problems, display)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, child, (*path, i), positions, problems, display)
            for i, child in enumerate(node.value)
        ]
    if node.tag in _TEXT_TAGS:
        return str(node.value)
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError) as exc:
        # ValueError: a date that is not a real one, such as 2026-02-30.
        reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else exc
        problems.append(
            Problem(
                display,
                mark.line + 1,
                mark.column + 1,
                f"this value cannot be read ({reason}); write it as plain text in quotes",
                _pretty_path(path),
            )
        )
        return None


_LIST_FIELDS = {
    "themes",
    "competencies",
    "items",
    "bands",
    "actions",
    "prompts",
    "resources",
    "reflective_prompts",
    "meeting_questions",
}


def _pretty_path(path: Path_) -> str:
    out = ""
    previous: str | int | None = None
    for part in path:
        if isinstance(part, int) and previous in _LIST_FIELDS:
            out += f"[{part}]"
        elif isinstance(part, int):
            out += f".{part}" if out else str(part)
        else:
            out += f".{part}" if out else part
        previous = part
    return out


_MODELS_BY_KEY: dict[str, type[BaseModel]] = {
    "scale": Scale,
    "bands": Band,
    "scoring": Scoring,
    "meeting_questions": Question,
    "themes": Theme,
    "competencies": Competency,
    "items": Item,
    "resources": Resource,
}


# Keys only a multi-rater (360) survey uses: accepted and suggested, but left out of the
# list of keys, so that the messages most framework authors see stay short and unchanged.
_MULTI_RATER_KEYS = frozenset({"raters", "blind_spot", "worth_conversation", "min_agreement"})


def _unknown_key_message(loc: Path_) -> str:
    name = str(loc[-1])
    parents = [part for part in loc[:-1] if isinstance(part, str)]
    model = _MODELS_BY_KEY.get(parents[-1], Framework) if parents else Framework
    every = list(model.model_fields)
    allowed = [key for key in every if key not in _MULTI_RATER_KEYS]
    close = difflib.get_close_matches(name, every, n=1, cutoff=0.6)
    if close:
        return f"unknown key '{name}'; did you mean '{close[0]}'? (keys here: {', '.join(allowed)})"
    return f"unknown key '{name}'; the keys allowed here are {', '.join(allowed)}"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    loc = error["loc"]
    name = loc[-1] if loc else ""
    value = error.get("input")
    if kind == "missing":
        return f"'{name}' is missing; add it"
    if kind == "extra_forbidden":
        return _unknown_key_message(tuple(loc))
    if value is None and kind in _NEEDED:
        return f"this is empty; give {_NEEDED[kind]} here"
    if kind == "string_pattern_mismatch":
        return f"'{value}' is not a valid id; use only letters, digits, '-' and '_', no spaces"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"'{value}' should be a whole number"
    if kind in {"float_type", "float_parsing"}:
        return f"'{value}' should be a number"
    if kind in {"bool_type", "bool_parsing"}:
        return f"'{value}' should be true or false"
    if kind == "string_type" and isinstance(value, (dict, list)):
        return "this should be text, not a list or a set of 'key: value' lines; check the indenting"
    if kind == "string_type":
        return f"this should be text, but YAML reads it as a {_kind_of(value)}; put it in quotes"
    if kind == "list_type":
        return "this should be a list (lines starting with '- ')"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "this should be a set of 'key: value' lines"
    if kind in {"too_short", "string_too_short"}:
        return "this must not be empty"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"this is too long; use at most {limit} characters"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


_NEEDED = {
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "some text",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a set of 'key: value' lines",
    "model_type": "a set of 'key: value' lines",
}


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (date, datetime)):
        return "date"
    return type(value).__name__


def _validate(
    data: dict[str, Any], positions: _Positions, early: list[Problem], display: str
) -> tuple[Framework | None, list[Problem]]:
    """The framework, if the types are right, and every problem found, sorted by line."""
    problems: list[Problem] = []
    framework: Framework | None = None
    # A value refused while reading is left out of the data; do not report it twice.
    reported = {(problem.line, problem.column) for problem in early}
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            path = tuple(error["loc"])
            at_key = error["type"] in {"extra_forbidden", "missing"}
            if path and path[-1] == "[key]":  # a bad key in a dict, such as a scale label
                path, at_key = path[:-1], True
            where = positions.find(path, key=at_key)
            line, col = where if where else (None, None)
            if (line, col) in reported:
                continue
            problems.append(Problem(display, line, col, _message(error), _pretty_path(path)))
    problems.extend(early)
    for path, message, at_key in _cross_checks(data, positions):
        where = positions.find(path, key=at_key)
        line, col = where if where else (None, None)
        problems.append(Problem(display, line, col, message, _pretty_path(path)))
    unique: dict[tuple[int | None, int | None, str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.line, problem.column, problem.message, problem.path), problem)
    return framework, sorted(unique.values(), key=lambda p: (p.line or 0, p.column or 0))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _cross_checks(data: dict[str, Any], positions: _Positions) -> list[tuple[Path_, str, bool]]:
    """Rules that span the whole framework.

    They work on the raw data, so they run even when some parts have type
    errors, and every problem is reported at once.
    """
    found: list[tuple[Path_, str, bool]] = []
    seen: dict[str, Path_] = {}

    def note_id(path: Path_, value: Any) -> None:
        if not isinstance(value, str):
            return
        if value in seen:
            where = positions.find(seen[value])
            first = f"line {where[0]}" if where else _pretty_path(seen[value])
            found.append(
                (
                    path,
                    f"id '{value}' is already used on {first}; "
                    "every id must be unique, so rename one of them",
                    False,
                )
            )
        else:
            seen[value] = path

    note_id(("id",), data.get("id"))
    bands = _as_list(data.get("bands"))
    band_ids = [str(b.get("id")) for b in bands if isinstance(b, dict)]
    for i, band in enumerate(bands):
        note_id(("bands", i, "id"), _as_dict(band).get("id"))
    for i, question in enumerate(_as_list(data.get("meeting_questions"))):
        note_id(("meeting_questions", i, "id"), _as_dict(question).get("id"))
    for t, theme in enumerate(_as_list(data.get("themes"))):
        theme = _as_dict(theme)
        note_id(("themes", t, "id"), theme.get("id"))
        for c, comp in enumerate(_as_list(theme.get("competencies"))):
            comp = _as_dict(comp)
            cpath: Path_ = ("themes", t, "competencies", c)
            note_id((*cpath, "id"), comp.get("id"))
            for i, item in enumerate(_as_list(comp.get("items"))):
                note_id((*cpath, "items", i, "id"), _as_dict(item).get("id"))
            descriptors = comp.get("descriptors")
            if isinstance(descriptors, dict):
                missing = [b for b in band_ids if b not in descriptors]
                unknown = [k for k in descriptors if k not in band_ids]
                if missing:
                    found.append(
                        (
                            (*cpath, "descriptors"),
                            "no descriptor for band "
                            + ", ".join(f"'{b}'" for b in missing)
                            + "; describe what each band looks like in practice",
                            False,
                        )
                    )
                for key in unknown:
                    found.append(
                        (
                            (*cpath, "descriptors", key),
                            f"'{key}' is not a band id; descriptors are keyed by the band ids "
                            f"({', '.join(band_ids)})",
                            True,
                        )
                    )

    scale = _as_dict(data.get("scale"))
    low, high = _number(scale.get("min")), _number(scale.get("max"))
    if low is not None and high is not None and high <= low:
        low = high = None  # the scale itself is wrong, and that is reported already
    previous: float | None = None
    for i, band in enumerate(bands):
        lower = _number(_as_dict(band).get("min"))
        if lower is None:
            continue
        path: Path_ = ("bands", i, "min")
        if low is not None and high is not None and not low <= lower <= high:
            found.append(
                (
                    path,
                    f"this band starts at {lower:g}, outside the scale ({low:g} to {high:g}); "
                    f"give it a min from {low:g} to {high:g}",
                    False,
                )
            )
        elif previous is not None and lower <= previous:
            found.append(
                (
                    path,
                    f"this band starts at {lower:g}, but the band before it starts at "
                    f"{previous:g}; list the bands from lowest to highest",
                    False,
                )
            )
        elif i == 0 and low is not None and lower != low:
            found.append(
                (
                    path,
                    f"the first band starts at {lower:g}, so a score below that has no band; "
                    f"set its min to the bottom of the scale ({low:g})",
                    False,
                )
            )
        previous = lower
    return found


def framework_outline(framework: Framework) -> str:
    """A readable plain-text outline of a framework."""
    scale = framework.scale
    lines = [
        f"{framework.title} (version {framework.version}, id {framework.id})",
        framework.description.strip(),
        f"Source: {framework.source.strip()}",
        f"Licence: {framework.licence.strip()}",
        "",
        "Answer scale: "
        + ", ".join(f"{point} {label}" for point, label in scale.labels.items())
        + (f"; n {scale.not_applicable}" if scale.not_applicable else ""),
        "Bands: " + "; ".join(f"{b.name} from {b.min:g} - {b.meaning}" for b in framework.bands),
        "",
    ]
    for theme in framework.themes:
        lines.append(f"Theme: {theme.name}")
        for competency in theme.competencies:
            lines.append(f"  {competency.name} [{competency.id}]")
            lines.append(f'    From the research: "{competency.source}"')
            for item in competency.items:
                marks = [m for m, on in (("reverse", item.reverse), ("quick", item.quick)) if on]
                suffix = f" ({', '.join(marks)})" if marks else ""
                lines.append(f"    {item.id}: {item.text}{suffix}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
