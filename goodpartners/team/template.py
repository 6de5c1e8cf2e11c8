"""The blank questionnaire as a spreadsheet: an Excel workbook, or an XLSForm.

`goodpartners template --format xlsx` writes a workbook whose answer cells only take
the scale's labels, with the data dictionary on a second sheet. `--format xlsform`
writes an XLSForm, the form standard of ODK and KoboToolbox: upload it and the form is
built, one page per competency, with the item ids as question names so that the
export's columns match the items. openpyxl loads only when one of these is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from goodpartners.errors import UsageError
from goodpartners.files import write_private
from goodpartners.models import Framework
from goodpartners.team.responses import data_dictionary, normalise, template_header

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

TemplateFormat = Literal["csv", "xlsx", "xlsform"]
WORKBOOK_SUFFIX: Final = ".xlsx"
VALIDATED_ROWS: Final = 500  # answer rows with a drop-down of the scale labels
SCALE_LIST: Final = "scale"
NA_CHOICE: Final = "na"  # what the reader takes as 'not applicable'
_XML_NAME_START = re.compile(r"^[A-Za-z_]")
_TABLE_CELL = re.compile(r"(?<!\\)\|")


def check_workbook_path(output: Path, template_format: TemplateFormat) -> None:
    """Refuse a name that does not end in .xlsx, and a file that is already there."""
    if output.suffix.lower() != WORKBOOK_SUFFIX:
        raise UsageError(
            f"--output {output}: an {template_format} template is an Excel workbook; "
            f"give a name that ends in {WORKBOOK_SUFFIX}"
        )
    if output.exists():
        raise UsageError(
            f"{output} already exists and may hold answers; choose another name with "
            "--output, or move the file first"
        )


def write_workbook_template(framework: Framework, output: Path) -> Path:
    """A workbook: a responses sheet whose answer cells take the scale labels, and the
    data dictionary on a second sheet."""
    check_workbook_path(output, "xlsx")
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "responses"
    header = template_header(framework)
    _write_rows(sheet, [header])
    sheet.freeze_panes = "D2"
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[_letter(column)].width = 14

    answers = answer_labels(framework)
    scale = book.create_sheet("scale")
    _write_rows(scale, [[label] for label in answers])
    scale.sheet_state = "hidden"
    rule = DataValidation(
        type="list",
        formula1=f"scale!$A$1:$A${len(answers)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not on the scale",
        error="Choose one of the answers from the list, or leave the cell blank.",
    )
    first, last = _letter(len(header) - framework.item_count + 1), _letter(len(header))
    rule.add(f"{first}2:{last}{VALIDATED_ROWS + 1}")
    sheet.add_data_validation(rule)

    dictionary = book.create_sheet("data dictionary")
    _write_rows(dictionary, dictionary_rows(data_dictionary(framework)))
    dictionary.column_dimensions["A"].width = 24
    dictionary.column_dimensions["C"].width = 80
    return _save(book, output)


def write_xlsform(framework: Framework, output: Path) -> Path:
    """An XLSForm (ODK, KoboToolbox): survey, choices and settings sheets."""
    check_workbook_path(output, "xlsform")
    from openpyxl import Workbook

    book = Workbook()
    sheets = (
        ("survey", xlsform_survey(framework)),
        ("choices", xlsform_choices(framework)),
        ("settings", xlsform_settings(framework)),
    )
    book.active.title = "survey"
    for title, rows in sheets:
        sheet = book[title] if title in book.sheetnames else book.create_sheet(title)
        _write_rows(sheet, rows)
    return _save(book, output)


def answer_labels(framework: Framework) -> list[str]:
    """The answers a cell may take: each scale label, then the not-applicable label."""
    scale = framework.scale
    labels = [scale.labels[point] for point in scale.points]
    return [*labels, scale.not_applicable] if scale.not_applicable else labels


def xml_name(item_id: str) -> str:
    """An id as an XLSForm name: names start with a letter or '_', so '1-a' becomes
    '_1-a', which the reader still matches to item 1-a."""
    return item_id if _XML_NAME_START.match(item_id) else f"_{item_id}"


def xlsform_survey(framework: Framework) -> list[list[str]]:
    """The survey sheet: who answers, then one page (a field-list group) per competency."""
    rows = [
        ["type", "name", "label", "appearance", "required"],
        ["text", "respondent", "Your work email or staff number", "", "yes"],
        ["text", "name", "Your name (optional)", "", ""],
        ["text", "team", "Your team (optional)", "", ""],
    ]
    select = f"select_one {SCALE_LIST}"
    # The reader matches columns to items loosely, so the header row's name must not
    # look like any item's id.
    taken = {normalise(item.id) for _, item in framework.items()}
    for _, competency in framework.competencies():
        rows.append(["begin_group", f"group_{competency.id}", competency.name, "field-list", ""])
        rows.append([select, _unused(f"{competency.id}_scale", taken), " ", "label", ""])
        rows += [
            [select, xml_name(item.id), item.text, "list-nolabel", ""] for item in competency.items
        ]
        rows.append(["end_group", "", "", "", ""])
    return rows


def xlsform_choices(framework: Framework) -> list[list[str]]:
    """The choices sheet: the scale points, named by their number, and n/a if there is one."""
    scale = framework.scale
    rows = [["list_name", "name", "label"]]
    rows += [[SCALE_LIST, str(point), scale.labels[point]] for point in scale.points]
    if scale.not_applicable:
        rows.append([SCALE_LIST, NA_CHOICE, scale.not_applicable])
    return rows


def xlsform_settings(framework: Framework) -> list[list[str]]:
    """The settings sheet: the form's title, id and version."""
    return [
        ["form_title", "form_id", "version"],
        [framework.title, f"goodpartners_{framework.id}", framework.version],
    ]


def dictionary_rows(markdown: str) -> list[list[str]]:
    """The Markdown data dictionary as sheet rows: a table row's cells in columns, every
    other line in the first column, headings without their '#'."""
    rows: list[list[str]] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [_plain(cell) for cell in _TABLE_CELL.split(line.strip())[1:-1]]
            if all(set(cell) <= {"-", " "} for cell in cells):
                continue  # the line under a table's heading
            rows.append(cells)
        else:
            rows.append([_plain(line.lstrip("#").strip())] if line.strip() else [])
    return rows


def _plain(text: str) -> str:
    return text.strip().replace("\\|", "|").replace("`", "")


def _unused(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while normalise(candidate) in taken:
        number += 1
        candidate = f"{name}{number}"
    return candidate


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _write_rows(sheet: Worksheet, rows: Iterable[Sequence[str]]) -> None:
    """Rows of text cells from the top. Text is always text: a statement that starts with
    '=' is never taken for a formula."""
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value:
                cell: Any = sheet.cell(row=number, column=column, value=value)
                cell.data_type = "s"


def _save(book: Any, output: Path) -> Path:
    buffer = io.BytesIO()
    book.save(buffer)
    # latin-1 maps every byte to one character and back, so the workbook's bytes go
    # through the private, atomic text writer unchanged.
    return write_private(output, buffer.getvalue().decode("latin-1"), encoding="latin-1")


RATER_COLUMNS: Final = ("respondent", "Who are you rating?", "How do you work with them?")
"""A multi-rater (360) form's first columns: the rater, the person rated, the relationship."""
RATER_WORDS: Final = ("self", "manager", "peer", "partner")


def raters_dictionary(framework: Framework) -> str:
    """The data dictionary of a multi-rater form: the rater columns, then the usual one."""
    usual = data_dictionary(framework)
    intro = "\n".join(
        [
            "## A multi-rater (360) form",
            "",
            "Each row is one person's answers about one colleague, or about themselves.",
            "Everyone rates themselves; their manager, peers and partner agencies rate them too.",
            "The statements are written as 'I ...': raters read 'I' as the person they rate.",
            "",
            "| Column | What it holds |",
            "| --- | --- |",
            "| `respondent` | Who is answering: their email address or a number. The same on "
            "every row they answer; not used for scoring. |",
            "| `Who are you rating?` | The person rated, written the same way every time, "
            "such as their work email. |",
            "| `How do you work with them?` | `self`, `manager`, `peer` or `partner`. "
            "'Line manager', 'colleague' and 'partner agency' are understood too. |",
            "",
            "Score the export with:",
            "",
            "```",
            "goodpartners batch responses.csv --subject-column 'Who are you rating?' "
            "--rater-column 'How do you work with them?'",
            "```",
            "",
            "Peers' and partners' ratings are shown only when at least 3 people give them: "
            "see docs/360-guide.md.",
            "",
            "Then one column per statement, headed by its item id (or the statement's text).",
            "",
        ]
    )
    title = usual.partition("\n")[0]
    answers = usual[usual.index("## Answers") :]
    return f"{title}\n\n{intro}\n{answers}"


def write_raters_template(framework: Framework, output: Path) -> tuple[Path, Path]:
    """A blank multi-rater (360) CSV and its data dictionary; refuse to overwrite either."""
    from goodpartners.csvsafe import SafeCsvWriter
    from goodpartners.team.responses import refuse_to_overwrite

    dictionary = refuse_to_overwrite(output)
    stream = io.StringIO()
    SafeCsvWriter(stream).writerow([*RATER_COLUMNS, *(i.id for _, i in framework.items())])
    write_private(output, stream.getvalue(), encoding="utf-8-sig")
    write_private(dictionary, raters_dictionary(framework))
    return output, dictionary
