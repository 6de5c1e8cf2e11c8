"""Survey platform layouts: how many header rows an export has and what they mean.

Most exports have one header row, but Qualtrics writes two or three (export tags,
question texts, and ImportId JSON) and SurveyMonkey two in its expanded export
(questions, then their statements); its condensed export has one, whose matrix columns
are headed `Question - Statement`. This module tells the platforms apart from the first
rows of a file and folds a platform's header rows into one header that
responses.match_columns can read: a matrix row becomes a `Question [Statement]` grid
heading. It also knows which column holds a platform's respondent id and which rows are
preview responses.

It imports nothing from the rest of the package, so responses.py can call it.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

Source = Literal[
    "auto",
    "google",
    "microsoft",
    "qualtrics",
    "surveymonkey",
    "typeform",
    "kobo",
    "limesurvey",
    "generic",
]
SOURCES: tuple[str, ...] = get_args(Source)  # what --source takes; the command line uses Source
PLATFORM_NAMES = {
    "google": "Google Forms",
    "microsoft": "Microsoft Forms",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "typeform": "Typeform",
    "kobo": "KoboToolbox",
    "limesurvey": "LimeSurvey",
    "generic": "a plain CSV",
}
PEEK_BYTES = 256 * 1024
# Qualtrics marks a response by its Status: 1 (or "Survey Preview") is a preview, 17 an
# offline preview. Previews are tests of the survey, not answers.
PREVIEW_STATUSES = frozenset({"1", "17", "surveypreview", "offlinesurveypreview"})
# SurveyMonkey's second header row says "Response" under a question with one answer.
_PLAIN_ANSWER = frozenset({"", "response", "openendedresponse"})
_TAG = re.compile(r"<[^<>]*>")
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass(frozen=True)
class Layout:
    """How one platform lays out its export."""

    source: str = "generic"
    header_rows: int = 1
    id_heading: str | None = None  # the id column's heading after combining, if fixed
    preview_column: int | None = None  # the status column that marks preview responses

    @property
    def platform(self) -> str:
        """The platform's name, for messages."""
        return PLATFORM_NAMES.get(self.source, self.source)

    def combine(self, rows: Sequence[Sequence[str]]) -> list[str]:
        """The one header that the header rows of this layout come to."""
        first = [cell.lstrip("\ufeff") for cell in rows[0]] if rows else []
        width = len(first)
        second = [*(rows[1] if len(rows) > 1 else ()), *([""] * width)][:width]
        if self.source == "qualtrics":
            pairs = zip(first, second, strict=True)
            return [_statement_heading("", text.strip() or tag) for tag, text in pairs]
        if self.source == "surveymonkey" and self.header_rows == 1:
            # The condensed export: one header row, a matrix column `Question - Statement`.
            return [_statement_heading("", cell) for cell in first]
        if self.source == "surveymonkey":
            return _surveymonkey(first, second)
        if self.source == "typeform":
            return [strip_html(cell) for cell in first]
        return first

    def id_for(self, header: Sequence[str]) -> str | None:
        """The heading of this layout's respondent id column, if the header has it once."""
        if self.id_heading is None:
            return None
        found = [h for h in header if h.strip() == self.id_heading]
        return self.id_heading if len(found) == 1 else None


GENERIC = Layout()


def strip_html(text: str) -> str:
    """A heading without HTML tags or entities, its spacing made single."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def is_preview(cell: str) -> bool:
    """Whether a Qualtrics status cell marks a preview response."""
    return _key(cell) in PREVIEW_STATUSES


def _statement_heading(question: str, text: str) -> str:
    """A grid heading `Question [Statement]` for a matrix row written `Question - Statement`
    (Qualtrics) or given as two parts (SurveyMonkey); other headings stay as they are."""
    if not question and " - " in text:
        question, text = text.split(" - ", 1)
    question, text = question.strip(), text.strip()
    if not question:
        return text
    if "[" in text or "]" in text:
        return f"{question} - {text}"
    return f"{question} [{text}]"


def _surveymonkey(first: Sequence[str], second: Sequence[str]) -> list[str]:
    header = []
    question = ""
    for top, below in zip(first, second, strict=True):
        if top.strip():
            question = top.strip()
        if _key(below) in _PLAIN_ANSWER:
            header.append(question)
        else:
            header.append(_statement_heading(question, below))
    return header


def layout_for(source: str, rows: Sequence[Sequence[str]]) -> Layout:
    """The layout of a file whose first rows are `rows`: `source` names the platform, or
    is "auto" to tell it from the rows."""
    if source == "auto":
        source = detect_source(rows)
    if source == "qualtrics":
        third = rows[2] if len(rows) > 2 else ()
        import_ids = any(cell.strip().startswith('{"ImportId"') for cell in third)
        second = rows[1] if len(rows) > 1 else ()
        first = rows[0] if rows else ()
        id_heading = status = None
        for column, tag in enumerate(first):
            if _key(tag) == "responseid" and id_heading is None:
                below = second[column].strip() if column < len(second) else ""
                id_heading = below or tag.strip()
            if _key(tag) == "status" and status is None:
                status = column
        return Layout("qualtrics", 3 if import_ids else 2, id_heading, status)
    if source == "surveymonkey":
        return Layout("surveymonkey", 1 if _condensed(rows) else 2, "Respondent ID")
    if source == "typeform":
        return Layout("typeform", 1, "#")
    return Layout(source)


def _condensed(rows: Sequence[Sequence[str]]) -> bool:
    """Whether a SurveyMonkey export is condensed: one header row, so its second row is a
    response, with a value in the Respondent ID column (or there is no second row). The
    expanded export's second row holds statements, and nothing under Respondent ID."""
    first = [_key(cell) for cell in rows[0]] if rows else []
    if "respondentid" not in first:
        return False
    second = rows[1] if len(rows) > 1 else ()
    if any(_key(cell) in _PLAIN_ANSWER - {""} for cell in second):
        return False
    column = first.index("respondentid")
    return not any(cell.strip() for cell in second) or (
        column < len(second) and bool(second[column].strip())
    )


def detect_source(rows: Sequence[Sequence[str]]) -> str:
    """Which platform wrote a file, from its first rows (the first is its header row)."""
    if not rows:
        return "generic"
    first = [_key(cell) for cell in rows[0]]
    keys = set(first)
    second = [_key(cell) for cell in rows[1]] if len(rows) > 1 else []
    if {"startdate", "enddate", "status", "responseid"} <= keys:
        # Qualtrics repeats its export tags in the question row: StartDate over Start Date.
        column = first.index("startdate")
        if column < len(second) and second[column] == "startdate":
            return "qualtrics"
    if {"respondentid", "collectorid"} <= keys and (
        any(k in _PLAIN_ANSWER - {""} for k in second) or _condensed(rows)
    ):
        return "surveymonkey"
    if rows[0] and rows[0][0].strip() == "#" and keys & {"networkid", "submitdateutc"}:
        return "typeform"
    if {"id", "starttime", "completiontime"} <= keys:
        return "microsoft"
    if first and first[0] == "timestamp":
        return "google"
    if "uuid" in keys and "submissiontime" in keys:
        return "kobo"
    if {"responseid", "datesubmitted"} <= keys:
        return "limesurvey"
    return "generic"


def peek_rows(
    path: Path, encoding: str, delimiter: str, sep_line: bool, count: int = 3
) -> list[list[str]]:
    """The header row and the rows after it, up to `count`, read from the start of a CSV
    file without disturbing the reader. Whatever cannot be read is left out."""
    try:
        with path.open("r", encoding=encoding, newline="") as stream:
            if sep_line:
                stream.readline()
            sample = stream.read(PEEK_BYTES)
    except (OSError, UnicodeError):
        return []
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if rows or any(cell.strip() for cell in row):
                rows.append(row)
            if len(rows) >= count:
                break
    except csv.Error:
        pass
    return rows


def preview_message(lines: Sequence[int], count: int, platform: str) -> str:
    """The run's note about preview responses that were left out."""
    shown = [str(line) for line in lines[:5]]
    if count > 5:
        shown.append(f"{count - 5} more")
    listed = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
    noun = "response" if count == 1 else "responses"
    where = "line" if count == 1 else "lines"
    return (
        f"Left out {count} preview {noun} ({where} {listed}): {platform} marks them "
        "'Survey Preview' in the Status column; they are tests of the survey, so they are "
        "neither scored nor counted as rows"
    )
