"""Safe CSV output: cells that spreadsheets would run as formulas are neutralised.

Spreadsheets treat a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula, so a name like `=HYPERLINK(...)` in an export could run when HR
opens the results. Such text cells get a leading single quote. Plain numbers, such
as `-0.5`, are left as they are, so they stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from operator import itemgetter
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """A text cell made safe to open in a spreadsheet; plain numbers are kept as they are."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def safe_row(row: list[str | int | float | None]) -> list[str | int | float]:
    """A row ready for csv.writer: numbers as they are, None as empty, text neutralised."""
    return [
        "" if cell is None else neutralise(cell) if isinstance(cell, str) else cell for cell in row
    ]


class SafeCsvWriter:
    """A csv.writer that neutralises every text cell it writes."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")

    def writerow(self, row: list[str | int | float | None]) -> None:
        """Write one row, neutralising its text cells."""
        self._writer.writerow(safe_row(row))

    def writerows_trusted(self, rows: Iterator[tuple[str, ...]] | list[tuple[str, ...]]) -> None:
        """Write rows whose text cells the caller has already neutralised (the fast path)."""
        self._writer.writerows(rows)


_NEEDS_WORK = re.compile(r'^[=+\-@\t\r]|[",\r\n]')


_FIRST = itemgetter(slice(0, 1))


def csv_cells(texts: list[str]) -> list[str]:
    """Many text cells, each as `csv_cell` gives it; when none needs work, as is usual for
    respondent ids, that is checked with a few scans of the joined text, not one per cell."""
    joined = "\n".join(texts)
    firsts = "".join(map(_FIRST, texts))
    if (
        '"' in joined
        or "," in joined
        or "\r" in joined
        or joined.count("\n") != len(texts) - 1
        or any(start in firsts for start in FORMULA_STARTS)
    ):
        return list(map(csv_cell, texts))
    return texts


def csv_cell(text: str) -> str:
    """One text cell, neutralised and quoted as csv.writer would, for rows built by hand."""
    if not _NEEDS_WORK.search(text):
        return text  # the usual case, checked with one search
    text = neutralise(text)
    if '"' in text or "," in text or "\r" in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text
