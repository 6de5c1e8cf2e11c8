"""Write the workbook fixtures (openpyxl), each good one beside the CSV that must score the same.

Run from the repository root: python tests/data/exports/make_workbooks.py

- workbook.generic.xlsx, and its twin workbook.generic.csv: item ids as headings; answers
  as numbers (which Excel keeps as 4.0), formulas with cached values, text holding
  numbers ('4 and "4"), a date column, a team made by a formula, one answer off the scale.
- workbook.microsoft-forms.xlsx: microsoft-forms.csv as Microsoft Forms writes the
  workbook (ID, Start time, Completion time, Email, Name, then one column per statement,
  cells holding labels), with the statement columns shuffled. Its twin is
  microsoft-forms.csv. A second sheet, "Notes", comes first, so --sheet is needed.
- workbook.microsoft-anonymous.xlsx: platform.microsoft-anonymous.csv as Microsoft Forms
  writes an anonymous form's workbook (ID, Start time, Completion time; no Email or Name).
- workbook.qualtrics.xlsx: platform.qualtrics-codes.csv as a workbook, with its three
  header rows and two preview responses.
  Both scored as their platform CSV's twin (run make_platforms.py first).
- The bad ones: workbook.encrypted.xlsx (a password-protected workbook's OLE container),
  workbook.old.xls (an Excel 97-2003 file's OLE signature) and workbook.csv-renamed.xlsx.
  The zip bomb is built by the test that needs it.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def cached_formulas(path: Path, values: dict[str, object]) -> None:
    """Give each formula cell its cached value, as Excel saves it (openpyxl saves none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode("utf-8")

    def cache(match: re.Match[str]) -> str:
        ref, formula = match.group(1), match.group(2)
        value = values[ref]
        kind = ' t="str"' if isinstance(value, str) else ""
        return f'<c r="{ref}"{kind}><f>{formula}</f><v>{value}</v></c>'

    parts[name] = re.sub(r'<c r="([A-Z]+\d+)"><f>(.*?)</f><v\s*/></c>', cache, xml).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


def generic(people: list[dict[str, object]], item_ids: list[str]) -> None:
    header = ["respondent", "name", "team", "submitted", *item_ids]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Responses"
    sheet.append(header)
    twin = [header]
    formulas: dict[str, object] = {}
    for n, person in enumerate(people):
        row_number = n + 2
        answers: dict[str, object] = person["answers"]  # type: ignore[assignment]
        cells: list[object] = [person["staff_id"], person["name"], None, None]
        text: list[str] = [str(person["staff_id"]), str(person["name"]), str(person["team"])]
        cells[2] = f'="{person["team"]}"'
        formulas[f"C{row_number}"] = person["team"]
        cells[3] = datetime(2025, 3, n + 1, 10, 15) if n % 2 else datetime(2025, 3, n + 1)
        text.append(f"2025-03-0{n + 1} 10:15:00" if n % 2 else f"2025-03-0{n + 1}")
        for k, item in enumerate(item_ids):
            answer = answers.get(item)
            column = sheet.cell(row=1, column=5 + k).column_letter
            if answer is None:
                cells.append(None)
                text.append("")
            elif answer == "n/a":
                cells.append("N/A")
                text.append("N/A")
            elif k % 7 == 1:  # a formula, saved with its value
                cells.append(f"={answer}*1")
                formulas[f"{column}{row_number}"] = answer
                text.append(str(answer))
            elif k % 7 == 3:  # text holding a number
                cells.append(str(answer))
                text.append(str(answer))
            elif k % 7 == 5:  # typed as '4 in a cell that was text already
                cells.append(f"'{answer}")
                text.append(str(answer))
            else:
                cells.append(float(answer))  # type: ignore[arg-type]
                text.append(str(answer))
        if n == 2:  # one answer off the scale, for problems.csv
            cells[6] = 7.0
            text[6] = "7"
        sheet.append(cells)
        twin.append(text)
    path = HERE / "workbook.generic.xlsx"
    book.save(path)
    cached_formulas(path, formulas)
    write_csv(HERE / "workbook.generic.csv", twin)


def microsoft_forms() -> None:
    with (HERE / "microsoft-forms.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    header, body = rows[0], rows[1:]
    fixed, statements = list(range(7)), list(range(7, len(header)))
    random.Random(11).shuffle(statements)
    order = fixed + statements
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Exported from Microsoft Forms"])
    sheet = book.create_sheet("Form1")
    sheet.append([header[i] for i in order])
    for row in body:
        cells: list[object] = []
        for i in order:
            value: object = row[i]
            if i == 0:
                value = int(row[i])
            elif i in (1, 2):
                value = datetime.strptime(row[i], "%m/%d/%y %H:%M:%S")
            cells.append(value if value != "" else None)
        sheet.append(cells)
    book.save(HERE / "workbook.microsoft-forms.xlsx")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def as_number(text: str) -> object:
    """A cell as Excel keeps it: a whole number as a number, empty as no value."""
    if text == "":
        return None
    return int(text) if text.isdigit() else text


def microsoft_anonymous() -> None:
    """platform.microsoft-anonymous.csv as the workbook Microsoft Forms writes: ID, Start
    time and Completion time, no Email or Name. Its twin is that CSV's twin."""
    rows = read_csv(HERE / "platform.microsoft-anonymous.csv")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Form1"
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = [int(row[0])]
        cells += [datetime.strptime(row[i], "%m/%d/%y %H:%M:%S") for i in (1, 2)]
        cells += [cell if cell != "" else None for cell in row[3:]]
        sheet.append(cells)
    book.save(HERE / "workbook.microsoft-anonymous.xlsx")


def qualtrics() -> None:
    """platform.qualtrics-codes.csv as a workbook: three header rows (export tags, question
    texts, ImportId JSON), answers and statuses as numbers, two preview responses. Its twin
    is that CSV's twin."""
    rows = read_csv(HERE / "platform.qualtrics-codes.csv")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for row in rows[:3]:
        sheet.append(row)
    for row in rows[3:]:
        sheet.append([as_number(cell) for cell in row])
    book.save(HERE / "workbook.qualtrics.xlsx")


def bad_ones() -> None:
    padding = bytes(512 - len(OLE))
    encrypted = OLE + padding + "EncryptedInfo".encode("utf-16-le") + bytes(64)
    encrypted += "EncryptedPackage".encode("utf-16-le") + bytes(1024)
    (HERE / "workbook.encrypted.xlsx").write_bytes(encrypted)
    (HERE / "workbook.old.xls").write_bytes(OLE + padding + "Workbook".encode("utf-16-le"))
    (HERE / "workbook.csv-renamed.xlsx").write_bytes((HERE / "workbook.generic.csv").read_bytes())


def write_csv(path: Path, rows: list[list[str]]) -> None:
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\n").writerows(rows)
    path.write_text(stream.getvalue(), encoding="utf-8")


def main() -> None:
    people = json.loads((HERE / "people.json").read_text(encoding="utf-8"))
    item_ids = list(people[0]["answers"])
    generic(people, item_ids)
    microsoft_forms()
    microsoft_anonymous()
    qualtrics()
    bad_ones()


if __name__ == "__main__":
    main()
