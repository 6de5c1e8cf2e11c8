"""The team responses CSV: the blank template, and reading real exports of it.

Exports arrive from Google Forms, Microsoft Forms, KoboToolbox, LimeSurvey and
spreadsheets, so this module finds the encoding and the delimiter, matches headers
to items (by id, by text, or by a `Question [Statement]` grid header) and turns
cells into answers. It reads; rows.py scores and batch.py runs the whole job.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.errors import NoMatchingColumnsError, ResponsesError, UsageError
from goodpartners.files import write_private
from goodpartners.models import Framework, Scale
from goodpartners.team.layouts import GENERIC, Layout, layout_for, peek_rows

if TYPE_CHECKING:
    from _csv import Reader as _reader

TEMPLATE_COLUMNS = ("respondent", "name", "team")
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SAMPLE_BYTES = 256 * 1024
SAMPLE_ROWS = 50
ID_NAMES = (
    ("respondent", "respondentid", "participant", "participantid"),
    ("email", "emailaddress", "username", "employeeid", "staffid", "staffnumber"),
    ("id", "responseid", "submissionid"),
)
NAME_NAMES = ("name", "fullname", "yourname", "respondentname", "participantname")
NA_WORDS = ("na", "n/a", "notapplicable", "doesnotapply")
_GRID = re.compile(r"^(?P<question>.*?)\s*\[(?P<statement>[^\[\]]*)\]\s*$", re.DOTALL)
_NUMBER_FIRST = re.compile(r"^(\d+)(\D.*)?$")
_NUMBER_LAST = re.compile(r"^(.*\D)?(\d+)$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def normalise(text: str) -> str:
    """Text as lower-case letters and digits only, so case, spacing and punctuation do not count."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def describe_column(index: int, header: Sequence[str]) -> str:
    """A column as a person finds it in a spreadsheet: its letter and its heading."""
    # Line breaks become spaces, so that a message stays on one line.
    heading = " ".join(header[index].splitlines()).strip() if index < len(header) else ""
    heading = heading if len(heading) <= 60 else heading[:57] + "..."
    return f"{column_letter(index)} ('{heading}')" if heading else column_letter(index)


# ----------------------------------------------------------------------------- template


def template_header(framework: Framework) -> list[str]:
    """The columns of a blank responses CSV: respondent, name, team and one per item id."""
    return [*TEMPLATE_COLUMNS, *(item.id for _, item in framework.items())]


def data_dictionary(framework: Framework) -> str:
    """A Markdown data dictionary: what each column means and which answers it takes."""
    scale = framework.scale
    lines = [
        f"# Data dictionary: {framework.title} {framework.version}",
        "",
        "Use this to build a form (Google Forms, Microsoft Forms, KoboToolbox, LimeSurvey)",
        "or a spreadsheet whose export `goodpartners batch` can score.",
        "",
        "## Columns",
        "",
        "| Column | What it holds |",
        "| --- | --- |",
        "| `respondent` | Who answered: an email address or staff number. "
        "Used to pair rounds. Must be unique. |",
        "| `name` | The person's name, for their own report. Optional. |",
        "| `team` | Their team, to compare groups with `--group-by team`. Optional. |",
        "",
        "Then one column per statement. The column heading can be the item id, the "
        "statement's full text, or a Google Forms grid heading such as "
        "`How often do you do this? [statement text]`.",
        "",
        "## Answers",
        "",
        "Each statement is answered on this scale. A cell can hold the number or the label "
        "(any capitals).",
        "",
        "| Answer | Label |",
        "| --- | --- |",
    ]
    lines += [f"| {point} | {_md(scale.labels[point])} |" for point in scale.points]
    missing = "Leave the cell blank, or write `N/A`"
    if scale.not_applicable:
        missing += f" or `{_md(scale.not_applicable)}`"
    lines += [
        "",
        f"{missing}, when a statement was not answered or does not apply. "
        "Such cells are left out of the scores, not counted as low.",
        "",
        "Reverse-keyed statements describe the opposite of good practice. "
        f"Their answers are turned round when scored ({scale.min} counts as {scale.max}).",
        "",
        "## Statements",
        "",
        "| Item id | Competency | Statement | Reverse-keyed |",
        "| --- | --- | --- | --- |",
    ]
    for competency, item in framework.items():
        reverse = "yes" if item.reverse else "no"
        lines.append(
            f"| `{item.id}` | {_md(competency.name)} (`{competency.id}`) | {_md(item.text)} "
            f"| {reverse} |"
        )
    return "\n".join(lines) + "\n"


def dictionary_path(output: Path) -> Path:
    """Where the data dictionary goes: responses.csv gets responses-dictionary.md beside it."""
    return output.with_name(f"{output.stem}-dictionary.md")


def refuse_to_overwrite(output: Path) -> Path:
    """A blank form's data dictionary path, once neither it nor the form already exists."""
    dictionary = dictionary_path(output)
    for path in (output, dictionary):
        if path.exists():
            raise UsageError(
                f"{path} already exists and may hold answers; choose another name with "
                "--output, or move the file first"
            )
    return dictionary


def write_template(framework: Framework, output: Path) -> tuple[Path, Path]:
    """Write a blank responses CSV and its data dictionary; refuse to overwrite either."""
    dictionary = refuse_to_overwrite(output)
    stream = io.StringIO()
    SafeCsvWriter(stream).writerow(list(template_header(framework)))
    write_private(output, stream.getvalue(), encoding="utf-8-sig")
    write_private(dictionary, data_dictionary(framework))
    return output, dictionary


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class SourceFormat:
    """How a responses file is written: its encoding and delimiter, and what was guessed."""

    encoding: str
    delimiter: str
    sep_line: bool = False
    warnings: tuple[str, ...] = ()


def detect_encoding(path: Path, forced: str | None = None) -> tuple[str, list[str]]:
    """The encoding to read the file with, and any warning about the choice."""
    display = str(path)
    if forced:
        try:
            name = codecs.lookup(forced).name
        except LookupError:
            raise UsageError(
                f"--encoding {forced}: unknown encoding; try utf-8, utf-8-sig, cp1252 or latin-1"
            ) from None
        try:
            "a".encode(name)  # refuses codecs that are not for text, such as base64
        except UnicodeError:
            pass
        except LookupError:
            raise UsageError(
                f"--encoding {forced}: not a text encoding; try utf-8, utf-8-sig, cp1252 or latin-1"
            ) from None
        if name == "utf-16":  # without a byte order mark Python will not guess the byte order
            try:
                with path.open("rb") as stream:
                    head = stream.read(SAMPLE_BYTES)
            except OSError as exc:
                raise ResponsesError(f"{display}: cannot read the file: {exc.strerror}") from None
            if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return utf16_byte_order(head) or name, []
        return name, []
    try:
        with path.open("rb") as stream:
            head = stream.read(SAMPLE_BYTES)
            if head.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return "utf-16", []
            else:
                order = utf16_byte_order(head)
                if order:
                    return order, []
                encoding = "utf-8"
            stream.seek(0)
            bad = _first_bad_byte(stream, "utf-8")
            if bad is None:
                return encoding, []
            stream.seek(0)
            if _first_bad_byte(stream, "cp1252") is None:
                line, byte = bad
                return "cp1252", [
                    f"{display} is not UTF-8 (line {line} has byte 0x{byte:02x}), so it was read "
                    "as Windows-1252 (cp1252). If letters look wrong, pass --encoding"
                ]
    except OSError as exc:
        raise ResponsesError(f"{display}: cannot read the file: {exc.strerror}") from None
    line, byte = bad
    raise ResponsesError(
        f"{display}: line {line} has byte 0x{byte:02x}, which is neither UTF-8 nor Windows-1252; "
        "save the file as CSV UTF-8, or pass --encoding"
    )


def utf16_byte_order(head: bytes) -> str | None:
    """utf-16-le or utf-16-be when the start of a file is UTF-16 text without a byte order
    mark, told by its zero bytes: the high half of each letter of Latin text is zero."""
    pairs = len(head) // 2
    if pairs < 2 or b"\x00" not in head:
        return None
    even, odd = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    for name, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros * 2 < pairs or others * 20 > zeros:
            continue
        try:
            text = codecs.getincrementaldecoder(name)().decode(head[: pairs * 2])
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
        if controls * 100 <= len(text):
            return name
    return None


def decode_error_line(path: Path, encoding: str) -> int | None:
    """The line of the first byte that does not decode, found by reading the file again:
    a text reader reads ahead, so it cannot say."""
    try:
        with path.open("rb") as stream:
            bad = _first_bad_byte(stream, encoding)
    except (OSError, UnicodeError):
        return None
    return bad[0] if bad else None


def _first_bad_byte(stream: io.BufferedReader, encoding: str) -> tuple[int, int] | None:
    """The line and value of the first byte that does not decode, or None if all do."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    while True:
        block = stream.read(1 << 20)
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:
            # exc.object is the block after any bytes kept from the block before (a letter
            # cut in two), and the end of the file flushes those alone.
            kept = len(exc.object) - len(block)
            return lines + block.count(b"\n", 0, max(exc.start - kept, 0)), exc.object[exc.start]
        if not block:
            return None
        lines += block.count(b"\n")


def detect_format(path: Path, forced_encoding: str | None = None) -> SourceFormat:
    """Find the encoding and delimiter of a responses file from its start."""
    encoding, warnings = detect_encoding(path, forced_encoding)
    try:
        with path.open("r", encoding=encoding, newline="") as stream:
            sample = stream.read(SAMPLE_BYTES)
    except UnicodeError as exc:  # also UTF-16 without its byte order mark
        line = decode_error_line(path, encoding)
        where = f"line {line}: " if line else ""
        raise ResponsesError(
            f"{path}: {where}cannot read it as {encoding}: {plain_reason(exc)}; check --encoding"
        ) from None
    except OSError as exc:
        raise ResponsesError(f"{path}: cannot read the file: {exc.strerror}") from None
    if not sample.strip():
        raise ResponsesError(
            f"{path}: the file is empty; export the responses as CSV with a header row"
        )
    if "\x00" in _LINE_BREAK.split(sample, maxsplit=1)[0]:
        # A zero byte on the first line is a binary file, such as a workbook. One further
        # down is damage in a text file; the reader stops there and names the line.
        raise ResponsesError(
            f"{path}: this is not a CSV text file (it contains binary data); "
            "export the responses as CSV, not as an Excel workbook"
        )
    first_line = _LINE_BREAK.split(sample, maxsplit=1)[0].strip("\ufeff")
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        return SourceFormat(encoding, first_line[4], True, tuple(warnings))
    return SourceFormat(encoding, sniff_delimiter(sample), False, tuple(warnings))


def sniff_delimiter(sample: str) -> str:
    """The delimiter (comma, semicolon or tab) that splits the sample most consistently."""
    # Drop a last line that the sample may have cut in half.
    end = max(sample.rfind("\n"), sample.rfind("\r"))
    if len(sample) >= SAMPLE_BYTES and end > 0:
        sample = sample[:end]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        rows = []
        try:
            # newline="": a line can end in CR alone, as in old Excel for Mac files.
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(cell.strip() for cell in row):
                    rows.append(len(row))
                if len(rows) >= SAMPLE_ROWS:
                    break
        except csv.Error:
            continue
        if not rows or rows[0] < 2:
            continue
        consistent = sum(1 for count in rows if count == rows[0])
        score = (consistent, rows[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds what: items, the respondent id, the name and the groups."""

    header: tuple[str, ...]
    items: dict[str, int]
    id_column: int | None
    name_column: int | None
    groups: tuple[tuple[str, int], ...]
    ignored: tuple[int, ...]
    missing_items: tuple[str, ...]

    @property
    def ignored_names(self) -> list[str]:
        """The ignored columns as a person finds them."""
        return [describe_column(i, self.header) for i in self.ignored]


def match_columns(
    header: Sequence[str],
    framework: Framework,
    source: str,
    id_column: str | None = None,
    name_column: str | None = None,
    group_by: Sequence[str] = (),
    allow_none: bool = False,
) -> ColumnMap:
    """Match the header row to the framework's items and to the id, name and group columns.

    With allow_none, a header that matches no item gives a map with no items (for
    --check's starter mapping) instead of NoMatchingColumnsError.
    """
    header = tuple(header)
    by_id = {item.id: item.id for _, item in framework.items()}
    index: dict[str, set[str]] = {}
    for _, item in framework.items():
        index.setdefault(normalise(item.id), set()).add(item.id)
        index.setdefault(normalise(item.text), set()).add(item.id)

    taken: dict[int, str] = {}
    ids = _chosen_column(header, id_column, "--id-column", source)
    names = _chosen_column(header, name_column, "--name-column", source)
    groups: list[tuple[str, int]] = []
    for wanted in group_by:
        column = _chosen_column(header, wanted, "--group-by", source)
        assert column is not None
        groups.append((header[column].strip() or wanted, column))
    for column in (ids, names, *(g[1] for g in groups)):
        if column is not None:
            taken[column] = "chosen"

    items: dict[str, int] = {}
    for column, heading in enumerate(header):
        if column in taken:
            continue
        candidates = _item_candidates(heading, by_id, index)
        if not candidates:
            continue
        if len(candidates) > 1:
            raise ResponsesError(
                f"{source}: line 1, column {describe_column(column, header)} matches more than "
                f"one item ({', '.join(sorted(candidates))}); rename the column to one item id"
            )
        (item_id,) = candidates
        if item_id in items:
            raise ResponsesError(
                f"{source}: line 1, columns {describe_column(items[item_id], header)} and "
                f"{describe_column(column, header)} both match item {item_id}; "
                "delete or rename one of them"
            )
        items[item_id] = column
    if not items and not allow_none:
        raise NoMatchingColumnsError(
            f"{source}: no column matches a statement of the {framework.title} framework; "
            "the headings must be item ids or statement texts. "
            "Run 'goodpartners template' to see the columns it expects"
        )
    for column in items.values():
        taken[column] = "item"
    if ids is None and id_column is None:
        ids = _guess_column(header, ID_NAMES, taken)
        if ids is not None:
            taken[ids] = "id"
    if names is None and name_column is None:
        names = _guess_column(header, (NAME_NAMES,), taken)
        if names is not None:
            taken[names] = "name"
    ordered = {item.id: items[item.id] for _, item in framework.items() if item.id in items}
    missing = tuple(item.id for _, item in framework.items() if item.id not in items)
    ignored = tuple(c for c in range(len(header)) if c not in taken)
    return ColumnMap(header, ordered, ids, names, tuple(groups), ignored, missing)


def _item_candidates(heading: str, by_id: dict[str, str], index: dict[str, set[str]]) -> set[str]:
    text = heading.strip()
    if text in by_id:
        return {text}
    found = index.get(normalise(text))
    if found:
        return set(found)
    grid = _GRID.match(text)
    if grid:
        statement = grid.group("statement").strip()
        if statement in by_id:
            return {statement}
        found = index.get(normalise(statement))
        if found:
            return set(found)
    if "/" in text:  # KoboToolbox group paths, such as `group_role/role_1`
        found = index.get(normalise(text.rsplit("/", 1)[1]))
        if found:
            return set(found)
    return set()


def find_column(header: Sequence[str], wanted: str, option: str, source: str) -> int:
    """The one column an option such as --subject-column names, by heading."""
    column = _chosen_column(header, wanted, option, source)
    assert column is not None
    return column


def _chosen_column(
    header: Sequence[str], wanted: str | None, option: str, source: str
) -> int | None:
    if wanted is None:
        return None
    exact = [i for i, h in enumerate(header) if h.strip() == wanted.strip()]
    if not exact:
        exact = [i for i, h in enumerate(header) if normalise(h) == normalise(wanted)]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        where = " and ".join(describe_column(i, header) for i in exact)
        raise UsageError(
            f"{option} {wanted}: {source} has more than one such column ({where}); "
            "rename one of them"
        )
    shown = ", ".join(f"'{h.strip()}'" for h in header[:12] if h.strip())
    more = f" and {len(header) - 12} more" if len(header) > 12 else ""
    raise UsageError(
        f"{option} {wanted}: {source} has no such column; its columns are {shown}{more}"
    )


def _guess_column(
    header: Sequence[str], preferences: Sequence[Sequence[str]], taken: dict[int, str]
) -> int | None:
    normalised = [normalise(h) for h in header]
    for names in preferences:
        for column, name in enumerate(normalised):
            if column not in taken and name in names:
                return column
    return None


class PhysicalLines:
    """The lines of a responses file, handed one at a time to the CSV reader.

    It counts every line, so each row knows the lines it came from. It stops at a null
    character, which text never has. And it keeps a quote that is never closed from
    swallowing the rows after it: when a quoted cell runs on into a line that looks like a
    whole row, or to the end of the file, it closes the cell itself and raises `cut` or
    `unclosed`, so the reader hands back the broken row at once.

    The reader asks for another line before finishing a row only inside a quoted cell. So
    whoever reads the rows sets `boundary` to `count` after each one, and a line asked for
    while they differ continues a quoted cell.
    """

    def __init__(self, stream: Iterator[str], path: Path, delimiter: str, offset: int = 0) -> None:
        self.stream = stream
        self.path = path
        self.delimiter = delimiter
        self.count = offset  # the last line handed out, as numbered in a text editor
        self.boundary = offset  # the line the last row ended on
        self.header: Sequence[str] = ()
        # Cells in a row: a quoted cell is cut when a line in it has as many cells. While
        # the header is read, this is 0 and nothing is cut.
        self.width = 0
        self.cut = False
        self.unclosed = False
        self.first_text = ""  # the first line of a row that runs over several lines
        self._lines = self._generate()

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def feed(self, block: list[str]) -> _reader:
        """A CSV reader over lines already read from the stream, starting a row, and then
        the stream's own lines for as long as a quoted cell runs on (see RowReader)."""
        stream = self.stream
        assert isinstance(stream, io.TextIOBase)

        def lines() -> Iterator[str]:
            yield from block
            while self.count != self.boundary:  # inside a quoted cell: the row goes on
                text = stream.readline()
                if not text:
                    return
                yield text

        self._lines = self._generate(lines())
        return csv.reader(self, delimiter=self.delimiter)

    def close_quote(self) -> str:
        """What the reader is given to end a quoted cell: the quote, then one empty cell per
        column, so the row is always longer than the header and cannot pass for a good one."""
        return '"' + self.delimiter * self.width + "\n"

    def _generate(self, source: Iterable[str] | None = None) -> Iterator[str]:
        delimiter = self.delimiter
        previous = ""
        for text in self.stream if source is None else source:
            if "\x00" in text:
                raise self._null_error(text)
            if self.count != self.boundary:  # inside a quoted cell
                if self.count - self.boundary == 1:
                    self.first_text = previous
                if self.width and _quoted_part(text).count(delimiter) >= self.width - 1:
                    self.cut = True
                    yield self.close_quote()
            self.count += 1
            previous = text
            yield text
        if self.count != self.boundary:
            self.unclosed = True
            yield self.close_quote()

    def _null_error(self, text: str) -> ResponsesError:
        line = self.count + 1
        cells = next(csv.reader([text], delimiter=self.delimiter), [])
        column = next((i for i, cell in enumerate(cells) if "\x00" in cell), None)
        where = f"line {line}"
        if column is not None:
            where += f", column {describe_column(column, self.header)}"
        return ResponsesError(
            f"{self.path}: {where} has a null character (a zero byte), which a CSV text file "
            "never has, so the file may be damaged; export the responses again as CSV"
        )


def _quoted_part(text: str) -> str:
    """The start of a line that goes on with a quoted cell: the text before the quote that
    closes it (a doubled quote is a quote inside the cell)."""
    start = 0
    while True:
        at = text.find('"', start)
        if at < 0:
            return text
        if text.startswith('"', at + 1):
            start = at + 2
            continue
        return text[:at]


def line_breaks(text: str) -> int:
    """How many line breaks a cell holds, counted as a text editor does (CR, LF or CRLF)."""
    return len(_LINE_BREAK.findall(text)) if ("\n" in text or "\r" in text) else 0


def describe_lines(first: int, last: int) -> str:
    """'line 9', 'lines 9 and 10' or 'lines 9 to 13'."""
    if first == last:
        return f"line {first}"
    return f"lines {first} {'and' if last == first + 1 else 'to'} {last}"


@dataclass
class ResponsesFile:
    """An open responses file, positioned after its header row.

    The CSV reader reads `lines`, which counts the lines of the file, so problems can name
    the line a person sees in a text editor.
    """

    path: Path
    format: SourceFormat
    header: list[str]
    stream: io.TextIOWrapper
    reader: _reader | Iterator[list[str]]  # a workbook's rows come as lists (workbook.py)
    lines: PhysicalLines
    # The platform's layout (layouts.py); its header rows are already read.
    layout: Layout = field(default=GENERIC, kw_only=True)

    def close(self) -> None:
        """Close the file."""
        self.stream.close()


def open_responses(path: Path, fmt: SourceFormat, source: str = "auto") -> ResponsesFile:
    """Open a responses file and read its header row, or the header rows of a platform
    that writes several (see layouts.py): `source` names the platform, or is "auto"."""
    try:
        stream = path.open("r", encoding=fmt.encoding, newline="")
    except OSError as exc:
        raise ResponsesError(f"{path}: cannot read the file: {exc.strerror}") from None
    lines = PhysicalLines(stream, path, fmt.delimiter, 1 if fmt.sep_line else 0)
    try:
        if fmt.sep_line:
            stream.readline()
        reader = csv.reader(lines, delimiter=fmt.delimiter)
        header: list[str] | None = None
        for row in reader:
            first = lines.boundary + 1
            lines.boundary = lines.count
            if lines.unclosed:
                column = len(row) - 1
                opened = first + sum(map(line_breaks, row[:column]))
                raise ResponsesError(
                    f"{path}: line {opened}, column {column_letter(column)}: a quote in the "
                    "header opens and never closes, so the whole file was read as the header; "
                    "add the closing quote, or remove the stray one"
                )
            if any(cell.strip() for cell in row):
                header = row
                break
        if header is None:
            raise ResponsesError(f"{path}: no header row; export the responses with headings")
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        layout = layout_for(source, peek_rows(path, fmt.encoding, fmt.delimiter, fmt.sep_line))
        header = _read_layout_header(reader, lines, header, layout)
        lines.header = header
    except csv.Error as exc:
        stream.close()
        first = lines.boundary + 1
        if "field limit" in str(exc):
            raise ResponsesError(
                f"{path}: line {first}: a heading is longer than {csv.field_size_limit():,} "
                "characters, often because a quote opens and never closes; check that line, "
                "or export the file again as CSV"
            ) from None
        raise ResponsesError(
            f"{path}: line {first}: the header is not valid CSV ({plain_csv_reason(exc)}); "
            "export the file again as CSV"
        ) from None
    except UnicodeError as exc:
        stream.close()
        raise ResponsesError(
            f"{path}: cannot read it as {fmt.encoding}: {plain_reason(exc)}; check --encoding"
        ) from None
    except BaseException:
        stream.close()
        raise
    return ResponsesFile(path, fmt, header, stream, reader, lines, layout=layout)


def _read_layout_header(
    reader: _reader, lines: PhysicalLines, first: list[str], layout: Layout
) -> list[str]:
    """The one header of a layout with several header rows, read past its further rows."""
    rows = [first]
    for _ in range(layout.header_rows - 1):
        row = next(reader, None)
        lines.boundary = lines.count
        if row is None:
            break
        rows.append(row)
    return layout.combine(rows)


_PLAIN_REASONS = {
    "truncated data": "the file ends part-way through a letter",
    "unexpected end of data": "the file ends part-way through a letter",
    "illegal UTF-16 surrogate": "some bytes there are not a letter in this encoding",
    "illegal encoding": "some bytes there are not a letter in this encoding",
    "invalid start byte": "some bytes there are not a letter in this encoding",
    "invalid continuation byte": "some bytes there are not a letter in this encoding",
    "ordinal not in range(128)": "some bytes there are not plain English letters (ASCII)",
    "UTF-16 stream does not start with BOM": (
        "the file does not start with the mark that says which kind of UTF-16 it is"
    ),
}
_SOME_BYTES = "some bytes there are not a letter in this encoding"


def plain_reason(exc: UnicodeError) -> str:
    """Why text could not be read, in words: never the codec's own terms."""
    reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
    return _PLAIN_REASONS.get(reason, _SOME_BYTES)


_PLAIN_CSV = {
    "new-line character seen in unquoted field": "a line break in a cell without quotes round it",
    "line contains NUL": "a null character (a zero byte)",
}


def plain_csv_reason(exc: Exception) -> str:
    """Why a line is not valid CSV, in words rather than the csv module's."""
    text = str(exc)
    for start, plain in _PLAIN_CSV.items():
        if text.startswith(start):
            return plain
    return "its quotes or separators do not fit together"


# ----------------------------------------------------------------------------- cells


class _Marker:
    """A special cell value: not applicable, blank, or not an answer at all."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NA: Final = _Marker("NA")
BLANK: Final = _Marker("BLANK")
INVALID: Final = _Marker("INVALID")
Cell = int | _Marker


class CellParser:
    """Turns raw cells into scale points, NA, BLANK or INVALID, caching each raw string."""

    def __init__(self, scale: Scale, cache_limit: int = 20_000) -> None:
        self.scale = scale
        self._cache: dict[str, Cell] = {}
        self._limit = cache_limit
        self._labels = {normalise(label): point for point, label in scale.labels.items()}
        self._na = {normalise(w) for w in NA_WORDS}
        if scale.not_applicable:
            self._na.add(normalise(scale.not_applicable))
        self._na.discard("")

    def parse(self, raw: str) -> Cell:
        """The value of one cell."""
        try:
            return self._cache[raw]
        except KeyError:
            pass
        value = self._parse(raw)
        if len(self._cache) >= self._limit:
            self._cache.clear()
        self._cache[raw] = value
        return value

    def _parse(self, raw: str) -> Cell:
        text = raw.strip()
        if not text:
            return BLANK
        scale = self.scale
        number = _number(text)
        if number is not None:
            if number.is_integer() and scale.min <= number <= scale.max:
                return int(number)
            return INVALID
        key = normalise(text)
        if key in self._na:
            return NA
        if key in self._labels:
            return self._labels[key]
        # "4 - Often", "4. Often", "Often (4)": a point with its own label.
        for pattern, number_group in ((_NUMBER_FIRST, 1), (_NUMBER_LAST, 2)):
            match = pattern.match(key)
            if match:
                point = int(match.group(number_group))
                rest = match.group(3 - number_group) or ""
                if scale.min <= point <= scale.max and rest in ("", normalise(scale.labels[point])):
                    return point
        return INVALID

    def problem(self, raw: str) -> str:
        """Why a cell is not an answer, and what it should be."""
        scale = self.scale
        number = _number(raw.strip())
        if number is not None and number.is_integer():
            what = f"{int(number)} is outside the scale"
        elif number is not None:
            what = "not a whole number"
        else:
            what = "not an answer on the scale"
        labels = ", ".join(scale.labels[p] for p in scale.points)
        return f"{what}; use {scale.min} to {scale.max}, or one of {labels}, or leave it blank"


def _number(text: str) -> float | None:
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        number = float(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
