"""A column mapping file: which column holds which item, and the id, name and groups.

Some exports have headings that automatic matching cannot read, such as Qualtrics'
coded headings (Q1_1, Q1_2 ...). A lead then writes a small YAML file:

    id: Response ID
    name: Full name
    groups: [Team]
    items:
      role-1: Q1_1      # a heading, or a column letter such as D

The items it names are taken from the columns it gives. Automatic matching fills the
rest, from the columns the file leaves free. Every problem names file:line:col.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from goodpartners.errors import NoMatchingColumnsError, UsageError
from goodpartners.files import NotARegularFile, read_bounded, write_private
from goodpartners.models import Framework
from goodpartners.team.responses import ColumnMap, column_letter, describe_column, match_columns

MAX_MAPPING_BYTES = 256 * 1024
MAX_DEPTH = 10
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_KEYS = ("id", "name", "groups", "items")
# Accepted but left out of the messages that list the keys, which most leads never need:
# a multi-rater (360) run's own words for self, manager, peer and partner.
_RATERS = "raters"
_RATER_GROUPS = ("self", "manager", "peer", "partner")


class MappingError(UsageError):
    """A mapping file cannot be read, or does not fit the framework or the export."""


@dataclass(frozen=True)
class Entry:
    """One column named in the mapping file, with where it was written."""

    column: str
    line: int
    col: int


@dataclass(frozen=True)
class ColumnMapping:
    """A mapping file, read and checked against the framework."""

    path: Path
    id: Entry | None = None
    name: Entry | None = None
    groups: tuple[Entry, ...] = ()
    items: dict[str, Entry] = field(default_factory=dict)
    raters: dict[str, str] = field(default_factory=dict)  # a rater column's word -> group

    def where(self, entry: Entry) -> str:
        """file:line:col of an entry, for messages."""
        return f"{self.path}:{entry.line}:{entry.col}"


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases and deep nesting, so a small file stays small."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent) or self._depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) and deep nesting are not allowed in a mapping file",
                problem_mark=mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _fail(path: Path, node: yaml.Node | None, message: str) -> MappingError:
    if node is None:
        return MappingError(f"{path}: {message}")
    mark = node.start_mark
    return MappingError(f"{path}:{mark.line + 1}:{mark.column + 1}: {message}")


def load_mapping(path: Path, framework: Framework) -> ColumnMapping:
    """Read a mapping file and check its shape and its item ids."""
    try:
        raw = read_bounded(path, MAX_MAPPING_BYTES)
    except FileNotFoundError:
        raise MappingError(f"--mapping {path}: no such file; check the path") from None
    except (IsADirectoryError, NotARegularFile) as exc:
        raise MappingError(f"--mapping {path}: {exc.strerror}; give a YAML file") from None
    except OSError as exc:
        raise MappingError(f"--mapping {path}: cannot read the file ({exc.strerror})") from None
    if len(raw) > MAX_MAPPING_BYTES:
        raise MappingError(
            f"{path}: the file is larger than {MAX_MAPPING_BYTES // 1024} KB; "
            "a mapping file is a few lines"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError(f"{path}: the file is not UTF-8 text; save it as UTF-8") from None
    try:
        root = yaml.compose(text, Loader=_NoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise MappingError(f"{path}{where}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError:
        raise MappingError(f"{path}: not valid YAML") from None
    if not isinstance(root, yaml.MappingNode):
        raise _fail(path, root, "the file must hold keys: id, name, groups and items")
    found: dict[str, yaml.Node] = {}
    for key, value in root.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else ""
        if name not in _KEYS and name != _RATERS:
            raise _fail(path, key, f"unknown key '{name}'; the keys are {', '.join(_KEYS)}")
        if name in found:
            raise _fail(path, key, f"'{name}' is given twice")
        found[name] = value
    if "items" not in found:
        raise _fail(path, root, "no 'items'; list each item id with its column")
    groups_node = found.get("groups")
    groups: list[Entry] = []
    if isinstance(groups_node, yaml.SequenceNode):
        groups = [_entry(path, node, "a group") for node in groups_node.value]
    elif groups_node is not None:
        groups = [_entry(path, groups_node, "groups")]
    return ColumnMapping(
        path,
        _entry(path, found["id"], "id") if "id" in found else None,
        _entry(path, found["name"], "name") if "name" in found else None,
        tuple(groups),
        _items(path, found["items"], framework),
        _raters(path, found[_RATERS]) if _RATERS in found else {},
    )


def _raters(path: Path, node: yaml.Node) -> dict[str, str]:
    """The words a rater column uses, each with the group it means."""
    if not isinstance(node, yaml.MappingNode):
        raise _fail(
            path, node, "'raters' must list words, each with self, manager, peer or partner"
        )
    words: dict[str, str] = {}
    for key, value in node.value:
        word = str(key.value).strip() if isinstance(key, yaml.ScalarNode) else ""
        group = str(value.value).strip() if isinstance(value, yaml.ScalarNode) else ""
        if not word:
            raise _fail(path, key, "a word in 'raters' is empty; write the word your form uses")
        if group not in _RATER_GROUPS:
            raise _fail(
                path,
                value,
                f"'{word}' means '{group}', which is not a rater group; use self, manager, "
                "peer or partner",
            )
        words[word] = group
    return words


def _entry(path: Path, node: yaml.Node, what: str) -> Entry:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise _fail(path, node, f"{what} must be a column heading or a letter, such as D")
    mark = node.start_mark
    return Entry(str(node.value).strip(), mark.line + 1, mark.column + 1)


def _items(path: Path, node: yaml.Node, framework: Framework) -> dict[str, Entry]:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        # A starter from --check --write-mapping, with every item still commented out.
        first = next((item.id for _, item in framework.items()), "role-1")
        raise MappingError(
            f"{path} gives no items yet; give each item id its column, such as '{first}: Q1_1'"
        )
    if not isinstance(node, yaml.MappingNode):
        raise _fail(path, node, "'items' must list item ids, each with its column")
    known = [item.id for _, item in framework.items()]
    items: dict[str, Entry] = {}
    for key, value in node.value:
        item_id = str(key.value).strip() if isinstance(key, yaml.ScalarNode) else ""
        if item_id not in known:
            raise _fail(
                path,
                key,
                f"unknown item '{item_id}' in the {framework.title} framework; "
                "run 'goodpartners template' to see the item ids",
            )
        if item_id in items:
            raise _fail(path, key, f"item {item_id} is given twice (first on line "
                        f"{items[item_id].line})")  # fmt: skip
        items[item_id] = _entry(path, value, f"item {item_id}")
    return items


def _find(mapping: ColumnMapping, entry: Entry, header: Sequence[str], source: str) -> int:
    """The column an entry names: a heading in the file, or else a column letter."""
    wanted = entry.column
    exact = [i for i, heading in enumerate(header) if heading.strip() == wanted]
    if len(exact) > 1:
        where = " and ".join(describe_column(i, header) for i in exact)
        raise MappingError(
            f"{mapping.where(entry)}: '{wanted}' is the heading of more than one column of "
            f"{source} ({where}); give the column letter instead"
        )
    if exact:
        return exact[0]
    if _LETTERS.match(wanted):
        index = 0
        for letter in wanted:
            index = index * 26 + ord(letter) - ord("A") + 1
        if index <= len(header):
            return index - 1
        raise MappingError(
            f"{mapping.where(entry)}: column {wanted} is past the last column of {source} "
            f"({column_letter(len(header) - 1)})"
        )
    shown = ", ".join(f"'{h.strip()}'" for h in header[:12] if h.strip())
    more = f" and {len(header) - 12} more" if len(header) > 12 else ""
    raise MappingError(
        f"{mapping.where(entry)}: no column '{wanted}' in {source}; its columns are {shown}{more}"
    )


def apply_mapping(
    mapping: ColumnMapping,
    header: Sequence[str],
    framework: Framework,
    source: str,
    id_column: str | None = None,
    name_column: str | None = None,
    group_by: Sequence[str] = (),
) -> ColumnMap:
    """The columns a mapping gives, with automatic matching for the items it leaves out.

    The mapping's id, name and groups win; the options fill what it leaves out.
    """
    header = tuple(header)
    used: dict[int, tuple[str, Entry]] = {}

    def take(entry: Entry, role: str) -> int:
        column = _find(mapping, entry, header, source)
        if column in used:
            other, first = used[column]
            raise MappingError(
                f"{mapping.where(entry)}: column {describe_column(column, header)} is given "
                f"for {role} and for {other} (line {first.line}); give each column once"
            )
        used[column] = (role, entry)
        return column

    ids = take(mapping.id, "the id") if mapping.id else None
    names = take(mapping.name, "the name") if mapping.name else None
    groups = [
        (header[c].strip() or e.column, c) for e in mapping.groups for c in [take(e, "a group")]
    ]
    items = {item_id: take(entry, f"item {item_id}") for item_id, entry in mapping.items.items()}

    # Automatic matching sees only the columns the mapping left free.
    free = tuple("" if i in used else heading for i, heading in enumerate(header))
    try:
        auto = match_columns(
            free,
            framework,
            source,
            None if ids is not None else _free_heading(id_column, free),
            None if names is not None else _free_heading(name_column, free),
            () if groups else group_by,
        )
    except NoMatchingColumnsError:
        auto = None
    if auto is not None:
        for item_id, column in auto.items.items():
            items.setdefault(item_id, column)
        if ids is None:
            ids = auto.id_column
        if names is None:
            names = auto.name_column
        if not groups:
            groups = list(auto.groups)
    elif ids is None and id_column is not None:
        ids = _strict_column(id_column, header, source, "--id-column")
    if not items:
        raise NoMatchingColumnsError(
            f"{mapping.path}: the mapping names no item, and no column of {source} matches one"
        )
    ordered = {item.id: items[item.id] for _, item in framework.items() if item.id in items}
    missing = tuple(item.id for _, item in framework.items() if item.id not in items)
    taken = {*items.values(), *(c for _, c in groups)}
    taken.update(c for c in (ids, names) if c is not None)
    ignored = tuple(c for c in range(len(header)) if c not in taken)
    return ColumnMap(header, ordered, ids, names, tuple(groups), ignored, missing)


def _free_heading(wanted: str | None, free: Sequence[str]) -> str | None:
    """An option's column, if the mapping left it free (a layout's id may be mapped)."""
    if wanted is None:
        return None
    return wanted if any(h.strip() == wanted.strip() for h in free if h) else None


def _strict_column(wanted: str, header: Sequence[str], source: str, option: str) -> int | None:
    exact = [i for i, h in enumerate(header) if h.strip() == wanted.strip()]
    if len(exact) == 1:
        return exact[0]
    raise UsageError(f"{option} {wanted}: {source} has no such free column")


# ----------------------------------------------------------------------------- writing


def _quoted(text: str) -> str:
    """A YAML scalar for a heading, quoted when it needs to be."""
    dumped = yaml.safe_dump(text, default_flow_style=True, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _column_text(column: int, header: Sequence[str]) -> str:
    """A column as the mapping names it: its heading if that is unique, else its letter."""
    heading = header[column].strip() if column < len(header) else ""
    if heading and "\n" not in heading and [h.strip() for h in header].count(heading) == 1:
        return heading
    return column_letter(column)


def mapping_yaml(columns: ColumnMap, framework: Framework) -> str:
    """A mapping file for the columns a run used, for a lead to correct and use again."""
    header = columns.header
    lines = [
        "# goodpartners column mapping: 'goodpartners batch FILE --mapping THIS-FILE'.",
        "# Each item id is given its column: a heading, or a column letter such as D.",
    ]
    if not columns.items:
        lines += [
            "# A starter: no column matched automatically. For each item, take away the",
            "# '# ' before its id and put its column in place of '?'; the file's columns",
            "# are listed at the end.",
        ]
    if columns.id_column is not None:
        lines.append(f"id: {_quoted(_column_text(columns.id_column, header))}")
    if columns.name_column is not None:
        lines.append(f"name: {_quoted(_column_text(columns.name_column, header))}")
    if columns.groups:
        shown = ", ".join(_quoted(_column_text(c, header)) for _, c in columns.groups)
        lines.append(f"groups: [{shown}]")
    if not columns.items:
        return "\n".join(lines + _starter(columns, framework)) + "\n"
    lines.append("items:")
    for item_id, column in columns.items.items():
        lines.append(f"  {item_id}: {_quoted(_column_text(column, header))}")
    for item_id in columns.missing_items:
        lines.append(f"  # {item_id}: no column found")
    return "\n".join(lines) + "\n"


def _starter(columns: ColumnMap, framework: Framework) -> list[str]:
    """A starter's items, all commented out with their statements, and the file's columns."""
    header = columns.header
    lines = ["items:"]
    for _, item in framework.items():
        lines.append(f"  # {item.id}: ?   # {' '.join(item.text.split())}")
    lines.append("")
    lines.append("# The file's columns, by letter and heading:")
    letters = max((len(column_letter(c)) for c in range(len(header))), default=1)
    for column, heading in enumerate(header):
        shown = " ".join(heading.split()) or "(no heading)"
        lines.append(f"#   {column_letter(column):<{letters}}  {shown}")
    return lines


def write_mapping(path: Path, columns: ColumnMap, framework: Framework) -> Path:
    """Write the mapping a run used, atomically and privately."""
    return write_private(path, mapping_yaml(columns, framework))
