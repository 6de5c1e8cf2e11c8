"""Write the export-style fixtures from people.json: the same six people, as five tools export them.

Run from the repository root: python tests/data/exports/make_exports.py
The tests read people.json for the expected answers and score each export, so the
fixtures and the expectations cannot drift apart. The bad-input fixtures
(responses.*.csv) are written by hand and are not touched by this script.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FRAMEWORK = HERE.parents[2] / "frameworks" / "good-partners.yaml"
QUESTION = "How often do you do this in multi-agency work?"


def items() -> list[dict[str, object]]:
    data = yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))
    return [i for t in data["themes"] for c in t["competencies"] for i in c["items"]]


def label(answer: object, labels: dict[int, str], na: str) -> str:
    if answer is None:
        return ""
    if answer == "n/a":
        return na
    return labels[int(answer)]  # type: ignore[call-overload]


def main() -> None:
    people = json.loads((HERE / "people.json").read_text(encoding="utf-8"))
    data = yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))
    labels = {int(k): v for k, v in data["scale"]["labels"].items()}
    na = data["scale"]["not_applicable"]
    all_items = items()

    def answer(person: dict, item_id: str) -> object:
        return person["answers"].get(item_id)

    # Google Forms: grid headers, labels, a free-text column with a line break.
    rows = [
        ["Timestamp", "Email Address", "Your name", "Team"]
        + [f"{QUESTION} [{i['text']}]" for i in all_items]
        + ["Any comments?"]
    ]
    for n, p in enumerate(people):
        rows.append(
            [f"2025/03/0{n + 1} 10:1{n}:00 GMT", p["email"], p["name"], p["team"]]
            + [label(answer(p, i["id"]), labels, na) for i in all_items]
            + ["Useful.\nThanks" if n == 1 else ""]
        )
    write(HERE / "google-forms.csv", rows, "utf-8", "\n")

    # Microsoft Forms (saved from Excel as CSV UTF-8): BOM, CRLF, statement texts as
    # headers, typed a little differently (no full stop, curly apostrophes).
    def ms_text(text: str) -> str:
        return text.rstrip(".").replace("'", "\u2019")

    rows = [
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
            "Which team are you in?",
        ]
        + [ms_text(str(i["text"])) for i in all_items]
    ]
    for n, p in enumerate(people):
        rows.append(
            [str(n + 1), "3/1/25 10:01:00", "3/1/25 10:09:00", p["email"], p["name"], "", p["team"]]
            + [
                "N/A" if answer(p, i["id"]) == "n/a" else label(answer(p, i["id"]), labels, na)
                for i in all_items
            ]
        )
    write(HERE / "microsoft-forms.csv", rows, "utf-8-sig", "\r\n")

    # KoboToolbox: semicolons, XML names inside a group, answers as choice names.
    rows = [
        ["start", "end", "staff_id", "team"]
        + [f"group_practice/{str(i['id']).replace('-', '_')}" for i in all_items]
        + ["_id", "_uuid", "_submission_time", "_index"]
    ]
    for n, p in enumerate(people):
        cells = []
        for i in all_items:
            a = answer(p, str(i["id"]))
            cells.append("" if a is None else "na" if a == "n/a" else str(a))
        rows.append(
            [
                "2025-03-01T10:00:00.000+00:00",
                "2025-03-01T10:08:00.000+00:00",
                p["staff_id"],
                p["team"],
            ]
            + cells
            + [str(9000 + n), f"uuid-{n}", "2025-03-01T10:08:05", str(n + 1)]
        )
    write(HERE / "kobo.csv", rows, "utf-8", "\n", delimiter=";")

    # LimeSurvey: BOM, CRLF, every field quoted, question-code headings with the
    # item as subquestion code, full answer texts.
    rows = [
        ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Email", "Team"]
        + [f"GP[{str(i['id']).replace('-', '')}]" for i in all_items]
    ]
    for n, p in enumerate(people):
        rows.append(
            [str(n + 11), "2025-03-01 10:09:00", "3", "en", "12345", p["email"], p["team"]]
            + [label(answer(p, i["id"]), labels, na) for i in all_items]
        )
    write(HERE / "limesurvey.csv", rows, "utf-8-sig", "\r\n", quote_all=True)

    # Excel on Windows, "CSV (Comma delimited)": Windows-1252, CRLF, the template's columns.
    rows = [["respondent", "name", "team"] + [str(i["id"]) for i in all_items]]
    for p in people:
        cells = []
        for i in all_items:
            a = answer(p, str(i["id"]))
            cells.append("" if a is None else "N/A" if a == "n/a" else str(a))
        rows.append([p["email"], p["name"], p["team"]] + cells)
    write(HERE / "excel-cp1252.csv", rows, "cp1252", "\r\n")


def write(
    path: Path,
    rows: list[list[str]],
    encoding: str,
    newline: str,
    delimiter: str = ",",
    quote_all: bool = False,
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


if __name__ == "__main__":
    main()
