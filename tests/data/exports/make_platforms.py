"""Write the survey platform fixtures from people.json, each with a clean CSV twin.

Run from the repository root: python tests/data/exports/make_platforms.py
Each platform file (platform.NAME.csv) lays out the same six people as that platform
exports them; its twin (platform.NAME.twin.csv) is the template's plain layout with the
same respondent ids and item-id headings. tests/test_platforms.py scores both and
compares scores.csv cell for cell.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FRAMEWORK = HERE.parents[2] / "frameworks" / "good-partners.yaml"
QUESTION = "How often do you do this in multi-agency work?"

Item = dict[str, object]
Person = dict[str, object]


def load() -> tuple[list[Person], list[Item], dict[int, str], str]:
    people = json.loads((HERE / "people.json").read_text(encoding="utf-8"))
    data = yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))
    items = [i for t in data["themes"] for c in t["competencies"] for i in c["items"]]
    labels = {int(k): v for k, v in data["scale"]["labels"].items()}
    return people, items, labels, data["scale"]["not_applicable"]


def answer_of(person: Person, item: Item) -> object:
    answers = person["answers"]
    assert isinstance(answers, dict)
    return answers.get(str(item["id"]))


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8", newline: str = "\n") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def twin(name: str, ids: list[str], people: list[Person], items: list[Item]) -> None:
    """The clean CSV twin: respondent ids, item ids, answers as numbers or N/A."""
    rows = [["respondent"] + [str(i["id"]) for i in items]]
    for ident, person in zip(ids, people, strict=True):
        cells = []
        for item in items:
            a = answer_of(person, item)
            cells.append("" if a is None else "N/A" if a == "n/a" else str(a))
        rows.append([ident, *cells])
    write(HERE / f"platform.{name}.twin.csv", rows)


def main() -> None:
    people, items, labels, na = load()

    def text_answer(person: Person, item: Item) -> str:
        a = answer_of(person, item)
        return "" if a is None else na if a == "n/a" else labels[int(str(a))]

    def code_answer(person: Person, item: Item) -> str:
        # Numeric values 1 to 5; "does not apply" has no value on the scale, so it is blank.
        a = answer_of(person, item)
        return "" if a is None or a == "n/a" else str(a)

    ids = [f"R_{n + 1:02d}abcDEF" for n in range(len(people))]
    qualtrics(ids, people, items, code_answer, "qualtrics-codes", new=True)
    qualtrics(ids, people, items, text_answer, "qualtrics-text", new=True)
    qualtrics(ids, people, items, code_answer, "qualtrics-legacy-codes", new=False)
    qualtrics(ids, people, items, text_answer, "qualtrics-legacy-text", new=False)
    blanked: list[Person] = []
    for person in people:
        answers = person["answers"]
        assert isinstance(answers, dict)
        blanked.append({**person, "answers": {k: v for k, v in answers.items() if v != "n/a"}})
    for name in ("qualtrics-codes", "qualtrics-legacy-codes"):
        twin(name, ids, blanked, items)
    for name in ("qualtrics-text", "qualtrics-legacy-text"):
        twin(name, ids, people, items)

    surveymonkey(people, items, text_answer)
    twin("surveymonkey", [str(11800000000 + n) for n in range(len(people))], people, items)
    surveymonkey_condensed(people, items, text_answer)
    twin(
        "surveymonkey-condensed",
        [str(11900000000 + n) for n in range(len(people))],
        people,
        items,
    )

    typeform(people, items, text_answer)
    twin("typeform", [f"tok{n}x9z" for n in range(len(people))], people, items)

    microsoft(people, items, text_answer, anonymous=False)
    twin("microsoft-shuffled", [str(p["email"]) for p in people], people, items)
    microsoft(people, items, text_answer, anonymous=True)
    twin("microsoft-anonymous", [str(n + 1) for n in range(len(people))], people, items)


def qualtrics(
    ids: list[str],
    people: list[Person],
    items: list[Item],
    answer: Callable[[Person, Item], str],
    name: str,
    new: bool,
) -> None:
    """Qualtrics: export tags, then question texts ("Question - Statement" for a matrix
    row), then (new exporter only) ImportId JSON. Two preview responses are mixed in."""
    if new:
        # Source layout: Qualtrics "Data & Analysis > Export & Import > Export data > CSV",
        # the current exporter: three header rows.
        meta = [
            ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
            ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
            ("Status", "Response Type", '{"ImportId":"status"}'),
            ("Progress", "Progress", '{"ImportId":"progress"}'),
            ("Finished", "Finished", '{"ImportId":"finished"}'),
            ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
            ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
            ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
        ]
    else:
        # Source layout: Qualtrics "Use legacy exporter" CSV: two header rows, V-columns.
        meta = [
            ("ResponseID", "ResponseID", ""),
            ("ResponseSet", "ResponseSet", ""),
            ("EmailAddress", "EmailAddress", ""),
            ("Status", "Status", ""),
            ("StartDate", "StartDate", ""),
            ("EndDate", "EndDate", ""),
            ("Finished", "Finished", ""),
        ]
    tags = [m[0] for m in meta] + [f"Q1_{n + 1}" for n in range(len(items))] + ["Q2"]
    texts = [m[1] for m in meta] + [f"{QUESTION} - {i['text']}" for i in items]
    texts.append("Anything else you would like to tell us?")
    rows = [tags, texts]
    if new:
        imports = [m[2] for m in meta] + [
            f'{{"ImportId":"QID1_{n + 1}"}}' for n in range(len(items))
        ]
        rows.append(imports + ['{"ImportId":"QID2_TEXT"}'])
    text_status = name.endswith("-text")
    normal, preview = ("IP Address", "Survey Preview") if text_status else ("0", "1")

    def meta_cells(ident: str, status: str) -> list[str]:
        values = {
            "StartDate": "2025-03-01 10:00:00",
            "EndDate": "2025-03-01 10:08:00",
            "Status": status,
            "Progress": "100",
            "Finished": "1" if not text_status else "True",
            "ResponseId": ident,
            "ResponseID": ident,
            "ResponseSet": "Default Response Set",
        }
        return [values.get(m[0], "") for m in meta]

    for n, (ident, person) in enumerate(zip(ids, people, strict=True)):
        if n in (1, 4):  # someone tries the survey out before it goes live
            rows.append(
                meta_cells(f"R_preview{n}", preview)
                + [answer(people[0], i) for i in items]
                + ["testing"]
            )
        rows.append(meta_cells(ident, normal) + [answer(person, i) for i in items] + [""])
    write(HERE / f"platform.{name}.csv", rows, "utf-8-sig", "\r\n")


def surveymonkey(
    people: list[Person], items: list[Item], answer: Callable[[Person, Item], str]
) -> None:
    """SurveyMonkey: question text once over its columns, statements in the second row."""
    # Source layout: SurveyMonkey "Analyze results > Save as > Export file > All responses
    # data > CSV", columns "Expanded", cells "Actual answer text".
    meta = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
    ]
    first = meta + [QUESTION] + [""] * (len(items) - 1) + ["Which team are you in?", ""]
    second = [""] * len(meta) + [str(i["text"]) for i in items]
    second += ["Response", "Other (please specify)"]
    rows = [first, second]
    for n, person in enumerate(people):
        rows.append(
            [str(11800000000 + n), "431234567", "03/01/2025 10:00:00 AM", "03/01/2025 10:09:00 AM"]
            + ["203.0.113.7", "", "", "", ""]
            + [answer(person, i) for i in items]
            + [str(person["team"]), ""]
        )
    write(HERE / "platform.surveymonkey.csv", rows)


def surveymonkey_condensed(
    people: list[Person], items: list[Item], answer: Callable[[Person, Item], str]
) -> None:
    """SurveyMonkey condensed: one header row, a matrix column headed "Question - Statement"."""
    # Source layout: SurveyMonkey "Analyze results > Save as > Export file > All responses
    # data > CSV", columns "Condensed", cells "Actual answer text". (Some versions head a
    # matrix column with the question text only; this is the "Question - Statement" form.)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    header = meta + [f"{QUESTION} - {i['text']}" for i in items] + ["Which team are you in?"]
    rows = [header]
    for n, person in enumerate(people):
        rows.append(
            [str(11900000000 + n), "431234567", "03/01/2025 10:00:00 AM", "03/01/2025 10:09:00 AM"]
            + ["203.0.113.7"]
            + [answer(person, i) for i in items]
            + [str(person["team"])]
        )
    write(HERE / "platform.surveymonkey-condensed.csv", rows)


def typeform(
    people: list[Person], items: list[Item], answer: Callable[[Person, Item], str]
) -> None:
    """Typeform: a # token column, headings with HTML, metadata columns at the end."""
    # Source layout: Typeform "Results > Responses > Download all responses > CSV".
    header = ["#"]
    for n, item in enumerate(items):
        text = str(item["text"])
        header.append(f"<strong>{text}</strong>" if n % 2 else text.replace("'", "&#39;"))
    header += [
        "Response Type",
        "Start Date (UTC)",
        "Stage Date (UTC)",
        "Submit Date (UTC)",
        "Network ID",
        "Tags",
    ]
    rows = [header]
    for n, person in enumerate(people):
        rows.append(
            [f"tok{n}x9z"]
            + [answer(person, i) for i in items]
            + ["completed", "2025-03-01 10:00:00", "", "2025-03-01 10:09:00", "a1b2c3", ""]
        )
    write(HERE / "platform.typeform.csv", rows)


def microsoft(
    people: list[Person],
    items: list[Item],
    answer: Callable[[Person, Item], str],
    anonymous: bool,
) -> None:
    """Microsoft Forms, saved from Excel as CSV: statement headings, columns shuffled."""
    # Source layout: Microsoft Forms "Responses > Open in Excel", saved as CSV UTF-8;
    # the anonymous form ("Anyone can respond") has no Email or Name column.
    meta = ["ID", "Start time", "Completion time"]
    if not anonymous:
        meta += ["Email", "Name"]
    meta.append("Last modified time")
    order = list(range(len(items)))
    random.Random(11).shuffle(order)
    header = meta + [str(items[k]["text"]).rstrip(".") for k in order]
    rows = [header]
    for n, person in enumerate(people):
        cells = [str(n + 1), "3/1/25 10:01:00", "3/1/25 10:09:00"]
        if not anonymous:
            cells += [str(person["email"]), str(person["name"])]
        cells.append("")
        rows.append(cells + [answer(person, items[k]) for k in order])
    name = "microsoft-anonymous" if anonymous else "microsoft-shuffled"
    write(HERE / f"platform.{name}.csv", rows, "utf-8-sig", "\r\n")


if __name__ == "__main__":
    main()
