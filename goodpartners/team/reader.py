"""Reading a responses file in chunks of rows, each with its first line and respondent id.

A row is usually one line; a quoted cell with line breaks in it (a long comment) makes
one row of several lines. Every line of the file belongs to exactly one row, and
`RowReader.lines` counts them. Rows whose cells do not fit the header go to
problems.RowChecker; rows with a duplicate id are noted and not scored.

A CSV file is read a block of lines at a time (`split_block`): when each line of the
block is one whole row, the block is parsed in one go and its ids checked together.
Any other block (a quoted cell over a line break, a null character) is handed to the
line-by-line reader over `ResponsesFile.lines`, which gives the same rows and lines;
tests/test_batch_parity.py checks that both give the same files.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any

from goodpartners.errors import ResponsesError
from goodpartners.team.layouts import is_preview
from goodpartners.team.problems import ProblemLog, RowChecker
from goodpartners.team.responses import (
    CellParser,
    ColumnMap,
    ResponsesFile,
    decode_error_line,
    plain_csv_reason,
    plain_reason,
)
from goodpartners.team.tally import IdTable, RowInfo

CHUNK_ROWS = 2_000
BLOCK_CHARACTERS = 1 << 16  # lines read at a time by the block reader: small, to keep memory flat
FAST_PATH = True
"""Whether CSV files are read a block of lines at a time (the outputs are the same either
way; tests turn it off to prove that)."""
END = ("\n",)


@dataclass
class Chunk:
    """Rows read together, with the line each starts on and its respondent id."""

    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    infos: list[RowInfo] = field(default_factory=list)


def estimate_rows(source: ResponsesFile) -> int:
    """A rough count of the rows in a file, from its size and its first lines."""
    size = source.path.stat().st_size
    with source.path.open("rb") as stream:
        head = stream.read(1 << 16)
    lines = head.count(b"\n")
    if lines < 2 or not head:
        return 1000
    return min(50_000_000, int(size / (len(head) / lines) * 1.05) + 16)


class RowNotes:
    """What a reader notes about rows it does not score, and the errors that stop it."""

    source: ResponsesFile
    columns: ColumnMap
    problems: ProblemLog
    show_id: Callable[[str], str]
    not_scored: int
    previews: int
    preview_lines: list[int]

    def _preview(self, line: int) -> None:
        self.previews += 1
        if len(self.preview_lines) < 5:
            self.preview_lines.append(line)

    def _no_id(self, line: int) -> str:
        """The name of a row without an id, noted as a problem."""
        ident = f"line-{line}"
        id_column = self.columns.id_column
        assert id_column is not None
        self.problems.add(
            line,
            id_column,
            self.columns.header[id_column],
            "",
            f"no respondent id; the row is called '{self.show_id(ident)}' in the results",
        )
        return ident

    def _duplicate_id(self, line: int, ident: str, earlier: int) -> None:
        """A row with the id of an earlier row: noted, and not scored."""
        id_column = self.columns.id_column
        assert id_column is not None
        self.not_scored += 1
        self.problems.add(
            line,
            id_column,
            self.columns.header[id_column],
            self.show_id(ident),
            f"the same respondent id as line {earlier}, so this row was not scored; delete "
            "the row you do not want, or choose another column with --id-column",
        )

    def _undecodable(self, exc: UnicodeError, next_line: int) -> ResponsesError:
        source = self.source
        reason = plain_reason(exc)
        where = decode_error_line(source.path, source.format.encoding) or next_line
        return ResponsesError(
            f"{source.path}: line {where}: cannot read it as {source.format.encoding} "
            f"({reason}); pass the right --encoding"
        )

    def _invalid(self, exc: csv.Error | ValueError, next_line: int) -> ResponsesError | None:
        """The error for a row that is not valid CSV; None when a quoted cell only ran on
        past the reader's limit over several lines, so reading can go on."""
        path = self.source.path
        if "field limit" not in str(exc):
            return ResponsesError(
                f"{path}: line {next_line}: this is not valid CSV ({plain_csv_reason(exc)}); "
                "export the file again as CSV"
            )
        if self.source.lines.count == next_line:
            return ResponsesError(
                f"{path}: line {next_line}: a cell is longer than "
                f"{csv.field_size_limit():,} characters, often because a quote is "
                "opened and never closed; check that line, or export the file again "
                "as CSV"
            )
        return None


class RowReader(RowNotes):
    """Reads one responses file in chunks of rows to score, accounting for every other row."""

    def __init__(
        self,
        source: ResponsesFile,
        columns: ColumnMap,
        problems: ProblemLog,
        parser: CellParser,
        show_id: Callable[[str], str] = str,
        seen: IdTable | None = None,
    ) -> None:
        self.show_id = show_id  # how an id appears in problems (a pseudonym when anonymised)
        self.source = source
        self.columns = columns
        self.problems = problems
        self.checker = RowChecker(source, columns, problems, parser)
        if seen is None:
            seen = IdTable(estimate_rows(source) if columns.id_column is not None else 0)
        self.seen = seen
        self.rows = 0
        self.lines = 0  # lines after the header; a row with a multi-line cell has several
        self.skipped = 0
        self.not_scored = 0
        # Preview responses (Qualtrics): tests of the survey, neither scored nor rows.
        self.previews = 0
        self.preview_lines: list[int] = []

    def read(self) -> Iterator[Chunk]:
        """Each chunk of rows that fit the header and have an id not seen before."""
        lines = self.source.lines
        lines.width = self.checker.width
        header_end = lines.count
        self._chunk = Chunk()
        self._count = 0  # rows read, saved to self.rows when a chunk is handed on
        if FAST_PATH and type(self.source) is ResponsesFile:
            yield from self._read_blocks()
        else:
            yield from self._read_rows(self.source.reader)
        self.rows += self._count
        self.lines += lines.count - header_end
        if self._chunk.rows:
            yield self._chunk
        else:
            self.problems.flush()

    def read_on(self, source: ResponsesFile) -> None:
        """Read on from another stretch of the same file (see halves.py): the next `read`
        goes on as if its rows came straight after those read so far."""
        self.source = source
        self.checker.source = source

    def _read_blocks(self) -> Iterator[Chunk]:
        """Read the file a block of lines at a time. A block whose every line is one whole
        row (no quoted cell runs over a line break, no null character) is parsed in one go;
        any other block goes through the line-by-line reader, which gives the same rows."""
        source = self.source
        stream = source.stream
        lines = source.lines
        delimiter = source.format.delimiter
        while True:
            try:
                block = stream.readlines(BLOCK_CHARACTERS)
            except UnicodeError as exc:
                raise self._undecodable(exc, lines.count + 1) from None
            if not block:
                return
            rows = split_block(block, delimiter)
            if rows is not None:
                yield from self._take_lines(rows, lines.count + 1)
            else:
                source.reader = lines.feed(block)
                yield from self._read_rows(source.reader)

    def _take_lines(self, rows: list[list[str]], first: int) -> Iterator[Chunk]:
        """Rows of one line each, from line `first` on: the rows.append of `_read_rows`,
        with what every row needs done for the whole block at once."""
        lines = self.source.lines
        width = self.checker.width
        id_column = self.columns.id_column
        start = 0
        total = len(rows)
        regular = self.source.layout.preview_column is None and all(
            map(width.__eq__, map(len, rows))
        )
        while start < total:
            chunk = self._chunk
            take = min(total, start + CHUNK_ROWS - len(chunk.rows))
            part = rows[start:take] if start or take < total else rows
            line = first + start
            idents = plain_idents(part, line, id_column) if regular else None
            if idents is None:
                yield from self._read_rows(
                    zip(part, range(line, line + len(part)), strict=True), paired=True
                )
            else:
                self._count += len(part)
                lines.count = lines.boundary = line + len(part) - 1
                kept: Iterable[int] = range(line, line + len(part))
                if id_column is not None:
                    repeats = self.seen.add_many(map(hash, idents), line)
                    if repeats:
                        for index, earlier in repeats:
                            self._duplicate_id(line + index, idents[index], earlier)
                        drop = {index for index, _ in repeats}
                        keep = [i for i in range(len(part)) if i not in drop]
                        part = [part[i] for i in keep]
                        idents = [idents[i] for i in keep]
                        kept = [line + i for i in keep]
                chunk.rows += part
                chunk.lines += kept
                chunk.ids += idents
                if len(chunk.rows) >= CHUNK_ROWS:
                    yield self._hand_on()
            start = take

    def _hand_on(self) -> Chunk:
        """The full chunk, with a new one started."""
        chunk = self._chunk
        self.rows += self._count
        self._count = 0
        self._chunk = Chunk()
        return chunk

    def _read_rows(self, reader: Iterable[Any], paired: bool = False) -> Iterator[Chunk]:
        """Rows one at a time from a CSV reader over `source.lines`; or, when paired, rows
        already read, each with its line."""
        source = self.source
        lines = source.lines
        width = self.checker.width
        fit = self.checker.fit
        id_column = self.columns.id_column
        add_id = self.seen.add
        preview = source.layout.preview_column
        chunk = self._chunk
        rows, starts, ids = chunk.rows, chunk.lines, chunk.ids
        next_line = lines.count + 1
        count = self._count
        while True:
            try:
                for item in reader:
                    if paired:
                        row, line = item
                        lines.count = line
                    else:
                        row, line = item, next_line
                    last = lines.count
                    next_line = last + 1
                    lines.boundary = last
                    count += 1
                    if len(row) != width or last != line:
                        fitted = fit(row, line, last)
                        if fitted is None:
                            self.not_scored += 1
                            continue
                        row = fitted
                    if preview is not None and is_preview(row[preview]):
                        count -= 1
                        self._preview(line)
                        continue
                    if not any(row) or (not row[0].strip() and not "".join(row).strip()):
                        self.skipped += 1
                        continue
                    if id_column is None:
                        ident = f"line-{line}"
                    else:
                        ident = row[id_column].strip()
                        if not ident:
                            ident = self._no_id(line)
                        else:
                            earlier = add_id(hash(ident) | 1, line)  # IdTable.key, inlined
                            if earlier:
                                self._duplicate_id(line, ident, earlier)
                                continue
                    rows.append(row)
                    starts.append(line)
                    ids.append(ident)
                    if len(rows) >= CHUNK_ROWS:
                        self._count = count
                        yield self._hand_on()
                        count = 0
                        chunk = self._chunk
                        rows, starts, ids = chunk.rows, chunk.lines, chunk.ids
                break
            except UnicodeError as exc:
                raise self._undecodable(exc, next_line) from None
            except (csv.Error, ValueError) as exc:  # csv.Error is not a ValueError
                error = self._invalid(exc, next_line)
                if error is not None:
                    raise error from None
                # A quoted cell ran on over many lines: the row is a problem, and reading
                # goes on after the line where the cell grew too long.
                count += 1
                self.not_scored += 1
                self.checker.note_overlong(next_line, lines.count)
                lines.boundary = lines.count
                next_line = lines.count + 1
        self._count = count


def split_block(block: list[str], delimiter: str) -> list[list[str]] | None:
    """The rows of a block of lines, one for each line; None unless each line is one
    whole row that reads as the CSV reader reads it."""
    text = "".join(block)
    if "\x00" in text:
        return None
    if '"' not in text and max(map(len, block)) < csv.field_size_limit():
        # No quotes: a row is its line split at the delimiter, when no line is empty.
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if "\r" not in text:
            parts = text.split("\n")
            if not parts[-1]:
                parts.pop()
            if len(parts) == len(block) and all(parts):
                return [part.split(delimiter) for part in parts]
    # An empty line after the block comes back as a row of its own only when the block
    # ends outside a quoted cell; then each line is one row.
    try:
        rows = list(csv.reader(chain(block, END), delimiter=delimiter))
    except csv.Error:
        return None
    if len(rows) != len(block) + 1:
        return None
    rows.pop()
    return rows


def plain_idents(rows: list[list[str]], line: int, id_column: int | None) -> list[str] | None:
    """The ids of rows that all fit the header and none of which is empty or has no id;
    None when any row needs the row-by-row checks."""
    if id_column is None:
        idents = [f"line-{number}" for number in range(line, line + len(rows))]
        firsts: Iterable[str] = map(str.strip, map(itemgetter(0), rows))
    else:
        idents = list(map(str.strip, map(itemgetter(id_column), rows)))
        if not all(idents):
            return None
        firsts = idents if id_column == 0 else map(str.strip, map(itemgetter(0), rows))
    # A row whose first cell is blank may be empty; the row-by-row checks tell.
    return idents if all(firsts) else None
