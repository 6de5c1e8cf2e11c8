"""Reading a responses file in chunks of rows, each with its first line and respondent id.

A row is usually one line; a quoted cell with line breaks in it (a long comment) makes
one row of several lines. Every line of the file belongs to exactly one row, and
`RowReader.lines` counts them. Rows whose cells do not fit the header go to
problems.RowChecker; rows with a duplicate id are noted and not scored.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

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


class RowReader:
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
        source = self.source
        reader = source.reader
        lines = source.lines
        width = self.checker.width
        lines.width = width
        fit = self.checker.fit
        id_column = self.columns.id_column
        add_id = self.seen.add
        preview = source.layout.preview_column
        chunk = Chunk()
        rows, starts, ids = chunk.rows, chunk.lines, chunk.ids
        header_end = lines.count
        next_line = header_end + 1
        count = 0  # rows read, kept in a local for speed and saved to self.rows below
        while True:
            try:
                for row in reader:
                    line = next_line
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
                        self.rows += count
                        count = 0
                        yield chunk
                        chunk = Chunk()
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
        self.rows += count
        self.lines = lines.count - header_end
        if rows:
            yield chunk
        else:
            self.problems.flush()

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
