"""Reading an Excel or OpenDocument workbook (.xlsx, .xlsm, .ods) as rows of text.

One sheet (the first, or the one --sheet names) becomes a `WorkbookFile`: the same
`ResponsesFile` the CSV pipeline reads, whose rows are lists of strings and whose line
numbers are the sheet's row numbers, so every rule for a CSV export (column matching,
cells, problems, every row accounted for) applies unchanged. A survey platform's header
rows are told apart and folded into one header as for a CSV file (layouts.py); they are
header, not data, and keep their sheet row numbers.

Before anything parses the file, it is checked with the standard zipfile module: an old
.xls, a password-protected workbook, a CSV file with a workbook's name and a workbook
that would unzip to far more than a survey needs are refused with a message that says
what to do. python_calamine is imported only when a workbook is read.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.errors import ResponsesError, UsageError
from goodpartners.team.layouts import layout_for
from goodpartners.team.problems import ProblemLog
from goodpartners.team.responses import PhysicalLines, ResponsesFile, SourceFormat

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 10 * 1024 * 1024  # a small workbook may compress well; only a big one is a bomb
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
SCAN_BYTES = 8 * 1024 * 1024
ENCRYPTED_FLAG = 0x1
_TEXT_NUMBER = re.compile(r"'\s*[-+]?\d+(?:[.,]\d+)?\s*")
_MIDNIGHT = dt.time()
PEEK_ROWS = 2  # the rows after the header that layouts.layout_for looks at
SAVE_AGAIN = "open it in Excel and save it again as .xlsx, or save it as CSV"

Value = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta


def is_workbook(path: Path) -> bool:
    """Whether a file is read as a workbook: by its name, as a person chose it."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES


@dataclass
class WorkbookFile(ResponsesFile):
    """One sheet of a workbook, positioned after its header row; a line is a sheet row."""

    sheet: str = ""
    other_sheets: tuple[str, ...] = ()


def problem_log(writer: SafeCsvWriter, source: ResponsesFile) -> ProblemLog:
    """The problem log of a source: for a workbook, each problem names the sheet, and a
    cell's column is shown by its letter."""
    if isinstance(source, WorkbookFile):
        return ProblemLog(writer, f"sheet '{source.sheet}': ", source.header)
    return ProblemLog(writer)


def open_workbook(path: Path, sheet: str | None = None, source: str = "auto") -> WorkbookFile:
    """Check a workbook, then open one sheet of it and read its header row, or the header
    rows of a platform that writes several (see layouts.py): `source` names the platform,
    or is "auto" to tell it from the sheet's first rows, as for a CSV file."""
    refuse_unsafe(path)
    book = _load(path)
    try:
        name = _choose_sheet(book, path, sheet)
        others = tuple(n for n in book.sheet_names if n != name)
        try:
            data = book.get_sheet_by_name(name)
            start = data.start
            values = data.iter_rows()
        except Exception:  # python_calamine's errors are many, and none is the user's to fix
            raise ResponsesError(f"{path}: cannot read sheet '{name}'; {SAVE_AGAIN}") from None
    finally:
        book.close()
    lines = PhysicalLines(iter(()), path, ",")
    numbered = _rows(values, [""] * (start[1] if start else 0), path, name)
    first = next(((n, row) for n, row in numbered if any(cell.strip() for cell in row)), None)
    if first is None:
        raise ResponsesError(
            f"{path}: sheet '{name}' has no header row; put the headings in its first row, "
            "or choose another sheet with --sheet"
        )
    # The rows after the header tell a platform's layout; they go back to be read again
    # unless they are further header rows (Qualtrics writes three, SurveyMonkey two).
    after = list(itertools.islice(numbered, PEEK_ROWS))
    layout = layout_for(source, [first[1], *(row for _, row in after)])
    further = after[: layout.header_rows - 1]
    header = layout.combine([first[1], *(row for _, row in further)])
    lines.count = lines.boundary = further[-1][0] if further else first[0]
    lines.header = header
    rows = _counted(itertools.chain(after[len(further) :], numbered), lines)
    # The stream is a placeholder: the rows were read into memory, and there is no text.
    placeholder = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    return WorkbookFile(
        path=path,
        format=SourceFormat("utf-8", ","),
        header=header,
        stream=placeholder,
        reader=rows,
        lines=lines,
        layout=layout,
        sheet=name,
        other_sheets=others,
    )


def refuse_unsafe(path: Path) -> None:
    """Refuse a file that is not a workbook python_calamine should open: an old .xls, a
    password-protected workbook, text with a workbook's name, or a zip bomb."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError as exc:
        raise ResponsesError(f"{path}: cannot read the file: {exc.strerror}") from None
    if head.startswith(OLE_SIGNATURE):
        raise ResponsesError(_ole_message(path))
    if not head.startswith(ZIP_SIGNATURES):
        raise ResponsesError(_not_a_workbook(path, head))
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ResponsesError(f"{path}: this workbook is damaged; {SAVE_AGAIN}") from None
    if any(entry.flag_bits & ENCRYPTED_FLAG for entry in entries):
        raise ResponsesError(_password_message(path))
    unzipped = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unzipped > MAX_UNZIPPED or (unzipped > RATIO_FLOOR and unzipped > MAX_RATIO * packed):
        raise ResponsesError(
            f"{path}: this workbook would unzip to {unzipped / 1024 / 1024:,.0f} MB "
            f"({unzipped / packed:,.0f} times its size), far more than a survey export "
            "holds, so it was not opened; check where the file came from, or save the "
            "responses as CSV"
        )


def _ole_message(path: Path) -> str:
    if path.suffix.lower() == ".xls":
        return (
            f"{path}: this is an old Excel 97-2003 workbook (.xls), which goodpartners cannot "
            "read; open it in Excel and save it as .xlsx or CSV"
        )
    try:
        with path.open("rb") as stream:
            encrypted = ENCRYPTED_PACKAGE in stream.read(SCAN_BYTES)
    except OSError:
        encrypted = True
    if encrypted:
        return _password_message(path)
    return (
        f"{path}: this is an old Excel 97-2003 workbook (.xls) with a {path.suffix} name, "
        "which goodpartners cannot read; open it in Excel and save it as .xlsx or CSV"
    )


def _password_message(path: Path) -> str:
    return (
        f"{path}: this workbook is protected with a password, so it cannot be read; open it, "
        "remove the password (File > Info > Protect Workbook) and save it again, or save it "
        "as CSV"
    )


def _not_a_workbook(path: Path, head: bytes) -> str:
    if head and b"\x00" not in head and any(mark in head for mark in (b",", b";", b"\t", b"\n")):
        return (
            f"{path}: this is a CSV or text file, not a workbook, although its name ends in "
            f"{path.suffix}; rename it to end in .csv and run the command again"
        )
    return f"{path}: this is not an Excel or OpenDocument workbook, or it is damaged; {SAVE_AGAIN}"


def _load(path: Path) -> CalamineWorkbook:
    import python_calamine  # here, not at the top: start-up time matters

    try:
        return python_calamine.CalamineWorkbook.from_path(path)
    except python_calamine.PasswordError:
        raise ResponsesError(_password_message(path)) from None
    except Exception:  # python_calamine's errors are many, and none is the user's to fix
        raise ResponsesError(
            f"{path}: cannot read this workbook, it may be damaged; {SAVE_AGAIN}"
        ) from None


def _choose_sheet(book: CalamineWorkbook, path: Path, wanted: str | None) -> str:
    names = list(book.sheet_names)
    if not names:
        raise ResponsesError(f"{path}: this workbook has no sheets; {SAVE_AGAIN}")
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    folded = [name for name in names if name.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    shown = ", ".join(f"'{name}'" for name in names[:20])
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    raise UsageError(f"--sheet {wanted}: {path} has no such sheet; its sheets are {shown}{more}")


def _counted(rows: Iterator[tuple[int, list[str]]], lines: PhysicalLines) -> Iterator[list[str]]:
    """The rows, each numbered in `lines.count` as the spreadsheet numbers it."""
    for number, row in rows:
        lines.count = number
        yield row


def _rows(
    values: Iterator[Sequence[Value]], pad: list[str], path: Path, sheet: str
) -> Iterator[tuple[int, list[str]]]:
    """Each row of the sheet as text, with its number as the spreadsheet numbers it."""
    number = 0
    try:
        for row in values:
            number += 1
            yield (
                number,
                pad + [v if v.__class__ is str and v[:1] != "'" else cell_text(v) for v in row],
            )
    except ResponsesError:
        raise
    except Exception:  # python_calamine's errors are many, and none is the user's to fix
        raise ResponsesError(
            f"{path}: sheet '{sheet}', row {number + 1} cannot be read; {SAVE_AGAIN}"
        ) from None


def cell_text(value: Value) -> str:
    """A cell's value as the text a person sees: 4.0 is '4', a date is 2025-03-01, and
    text that is a number with an apostrophe before it ('4) is the number."""
    if isinstance(value, str):
        return value[1:].strip() if _TEXT_NUMBER.fullmatch(value) else value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"  # Excel shows 15 significant digits
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == _MIDNIGHT:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
