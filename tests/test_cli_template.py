"""`goodpartners template`: the blank responses CSV and its data dictionary, exact text."""

from __future__ import annotations

import csv
import stat
import sys
from pathlib import Path

import pytest

from goodpartners.models import Framework
from tests.cli_helpers import run

DATA = Path(__file__).parent / "data"


def test_template_writes_the_columns_and_a_dictionary(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("template")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        "Wrote responses.csv (the columns) and responses-dictionary.md (what they mean).\n"
    )
    with (tmp_path / "responses.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows == [["respondent", "name", "team", *(i.id for _, i in framework.items())]]
    dictionary = (tmp_path / "responses-dictionary.md").read_text(encoding="utf-8")
    assert dictionary.startswith("# Data dictionary: Good Partners 1.0\n")
    assert "| 4 | Often |" in dictionary
    assert "`N/A` or `Does not apply to my role`" in dictionary
    assert (
        "| `role-3` | Saying what my role is (`role`) | I go into meetings without being clear "
        "what I want from them. | yes |"
    ) in dictionary
    assert "| `role-1` | Saying what my role is (`role`) | I explain my role" in dictionary


def test_template_output_and_framework_options(tmp_path: Path) -> None:
    target = tmp_path / "forms" / "team.csv"
    target.parent.mkdir()
    result = run("template", "--framework", DATA / "framework.minimal.yaml", "--output", target)
    assert result.exit_code == 0
    assert target.read_bytes().decode("utf-8-sig") == (
        "respondent,name,team,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3\r\n"
    )
    assert (tmp_path / "forms" / "team-dictionary.md").exists()


def test_template_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "responses.csv"
    target.write_text("respondent,role-1\nann,4\n")
    result = run("template", "--output", target)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {target} already exists and may hold answers; choose another name with "
        "--output, or move the file first\n"
    )
    assert target.read_text() == "respondent,role-1\nann,4\n"


def test_template_filled_in_is_scored_by_batch(framework: Framework, tmp_path: Path) -> None:
    target = tmp_path / "responses.csv"
    assert run("template", "--output", target).exit_code == 0
    with target.open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerow(
            ["ann@example.org", "Ann", "Hostel", *["Often"] * framework.item_count]
        )
    out = tmp_path / "out"
    result = run("batch", target, "--out", out, "--group-by", "team", "--min-group-size", "1")
    assert result.exit_code == 0, result.stderr
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        [row] = list(csv.DictReader(stream))
    assert (row["respondent"], row["team"], row["overall"]) == ("ann@example.org", "Hostel", "3.33")


def test_template_unknown_framework(tmp_path: Path) -> None:
    result = run("template", "--framework", "nope", "--output", tmp_path / "r.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no framework called 'nope' (known: ")


def test_template_help() -> None:
    result = run("template", "--help")
    assert result.exit_code == 0
    assert "Write a blank team CSV and its data dictionary." in result.stdout
    assert "--output" in result.stdout and "--framework" in result.stdout


def test_template_neutralises_ids_that_look_like_formulas(tmp_path: Path) -> None:
    from goodpartners.frameworks import parse_framework
    from goodpartners.team.responses import write_template

    text = (DATA / "framework.minimal.yaml").read_text(encoding="utf-8")
    framework = parse_framework(text.replace("id: c1-1", "id: -c1").encode(), "minimal")
    target = tmp_path / "responses.csv"
    write_template(framework, target)
    with target.open(encoding="utf-8-sig", newline="") as stream:
        [header] = list(csv.reader(stream))
    assert header[3] == "'-c1"


# ----------------------------------------------------------------------------- xlsx, xlsform


def test_template_xlsx_is_a_workbook_with_drop_downs_and_the_dictionary(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    result = run("template", "--format", "xlsx")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "Wrote responses.xlsx (a responses sheet with drop-downs, and the data dictionary).\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["responses.xlsx"]
    book = load_workbook(tmp_path / "responses.xlsx")
    assert book.sheetnames == ["responses", "scale", "data dictionary"]
    header = [cell.value for cell in book["responses"][1]]
    assert header == ["respondent", "name", "team", *(i.id for _, i in framework.items())]
    assert book["responses"].max_row == 1
    scale = book["scale"]
    assert scale.sheet_state == "hidden"
    assert [row[0].value for row in scale.iter_rows()] == [
        "Never", "Rarely", "Sometimes", "Often", "Always", "Does not apply to my role"
    ]  # fmt: skip
    [rule] = book["responses"].data_validations.dataValidation
    assert (rule.type, rule.formula1, str(rule.sqref)) == ("list", "scale!$A$1:$A$6", "D2:AJ501")
    assert rule.showErrorMessage and rule.allow_blank
    rows = [
        [cell.value for cell in row if cell.value is not None]
        for row in book["data dictionary"].iter_rows()
    ]
    assert rows[0] == ["Data dictionary: Good Partners 1.0"]
    assert ["Column", "What it holds"] in rows
    assert ["4", "Often"] in rows
    assert [
        "role-3",
        "Saying what my role is (role)",
        "I go into meetings without being clear what I want from them.",
        "yes",
    ] in rows


def test_template_xlsx_writes_text_never_formulas(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from goodpartners.frameworks import parse_framework
    from goodpartners.team.template import write_workbook_template

    text = (DATA / "framework.minimal.yaml").read_text(encoding="utf-8")
    framework = parse_framework(text.replace("id: c1-1", "id: -c1").encode(), "minimal")
    statement = next(item.text for _, item in framework.items())
    framework = parse_framework(
        text.replace("id: c1-1", "id: -c1").replace(statement, "=1+1 |x|").encode(), "minimal"
    )
    target = write_workbook_template(framework, tmp_path / "r.xlsx")
    book = load_workbook(target)
    assert book["responses"]["D1"].value == "-c1"
    cells = [c for row in book["data dictionary"].iter_rows() for c in row if c.value]
    [formula] = [c for c in cells if str(c.value).startswith("=")]
    assert (formula.value, formula.data_type) == ("=1+1 |x|", "s")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("template_format", ["xlsx", "xlsform"])
def test_template_workbooks_are_private(tmp_path: Path, template_format: str) -> None:
    target = tmp_path / "form.xlsx"
    assert run("template", "--format", template_format, "-o", target).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["form.xlsx"]


@pytest.mark.parametrize("template_format", ["xlsx", "xlsform"])
def test_template_workbooks_never_overwrite(tmp_path: Path, template_format: str) -> None:
    target = tmp_path / "responses.xlsx"
    target.write_bytes(b"answers")
    result = run("template", "--format", template_format, "--output", target)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {target} already exists and may hold answers; choose another name with "
        "--output, or move the file first\n"
    )
    assert target.read_bytes() == b"answers"


@pytest.mark.parametrize("template_format", ["xlsx", "xlsform"])
def test_template_workbooks_must_end_in_xlsx(tmp_path: Path, template_format: str) -> None:
    target = tmp_path / "responses.csv"
    result = run("template", "--format", template_format, "--output", target)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --output {target}: an {template_format} template is an Excel workbook; "
        "give a name that ends in .xlsx\n"
    )
    assert not target.exists()


def test_template_unknown_format(tmp_path: Path) -> None:
    result = run("template", "--format", "ods", "--output", tmp_path / "r.ods")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--format': Value error, 'ods' is not one of 'csv', 'xlsx', "
        "'xlsform'.\n"
    )
    assert not list(tmp_path.iterdir())


def test_template_xlsform_sheets(framework: Framework, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "form.xlsx"
    result = run("template", "--format", "xlsform", "--output", target)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"Wrote {target} (an XLSForm: upload it to KoboToolbox or ODK Central).\n"
    )
    book = load_workbook(target)
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey = [[c.value or "" for c in row] for row in book["survey"].iter_rows()]
    assert survey[:5] == [
        ["type", "name", "label", "appearance", "required"],
        ["text", "respondent", "Your work email or staff number", "", "yes"],
        ["text", "name", "Your name (optional)", "", ""],
        ["text", "team", "Your team (optional)", "", ""],
        ["begin_group", "group_role", "Saying what my role is", "field-list", ""],
    ]
    assert survey[5] == ["select_one scale", "role_scale", " ", "label", ""]
    assert survey[6] == [
        "select_one scale",
        "role-1",
        "I explain my role to other agencies in one or two clear sentences.",
        "list-nolabel",
        "",
    ]
    assert survey[9] == ["end_group", "", "", "", ""]
    assert sum(row[0] == "begin_group" for row in survey) == framework.competency_count
    choices = [[c.value for c in row] for row in book["choices"].iter_rows()]
    assert choices == [
        ["list_name", "name", "label"],
        ["scale", "1", "Never"],
        ["scale", "2", "Rarely"],
        ["scale", "3", "Sometimes"],
        ["scale", "4", "Often"],
        ["scale", "5", "Always"],
        ["scale", "na", "Does not apply to my role"],
    ]
    settings = [[c.value for c in row] for row in book["settings"].iter_rows()]
    assert settings == [
        ["form_title", "form_id", "version"],
        ["Good Partners", "goodpartners_good-partners", "1.0"],
    ]


def test_template_xlsform_without_not_applicable_has_no_na_choice(tmp_path: Path) -> None:
    from goodpartners.frameworks import parse_framework
    from goodpartners.team.template import xlsform_choices

    text = (DATA / "framework.minimal.yaml").read_text(encoding="utf-8")
    framework = parse_framework(text.encode(), "minimal")
    framework = framework.model_copy(
        update={"scale": framework.scale.model_copy(update={"not_applicable": None})}
    )
    assert [row[1] for row in xlsform_choices(framework)][-1] == str(framework.scale.max)


def test_template_xml_names_start_with_a_letter_or_underscore() -> None:
    from goodpartners.team.template import xml_name

    assert [xml_name(i) for i in ("role-1", "_x", "1-a", "-c1")] == ["role-1", "_x", "_1-a", "_-c1"]


def xform_columns(xform: str) -> list[str]:
    """The columns of a KoboToolbox CSV export of this form: one per question, named by
    its group path, as Kobo writes them with 'include groups in headers'."""
    from xml.etree import ElementTree

    namespace = {"x": "http://www.w3.org/2002/xforms"}
    root = ElementTree.fromstring(xform)
    [data] = root.findall(".//x:instance/x:data", namespace)
    columns: list[str] = []
    for node in data:
        tag = node.tag.split("}")[1]
        if tag == "meta":
            continue
        children = list(node)
        columns += [f"{tag}/{c.tag.split('}')[1]}" for c in children] if children else [tag]
    return columns


def test_template_xlsform_converts_and_its_kobo_export_is_scored(
    framework: Framework, tmp_path: Path
) -> None:
    xls2xform = pytest.importorskip("pyxform.xls2xform")
    form = tmp_path / "form.xlsx"
    assert run("template", "--format", "xlsform", "--output", form).exit_code == 0
    warnings: list[str] = []
    xform = xls2xform.convert(str(form), warnings=warnings).xform
    assert warnings == []
    columns = xform_columns(xform)
    assert columns[:5] == [
        "respondent",
        "name",
        "team",
        "group_role/role_scale",
        "group_role/role-1",
    ]
    # Kobo: semicolons, its own columns around the questions, answers as choice names.
    people = {
        "ann@example.org": ("Ann", "Hostel", lambda item: "4"),
        "bo@example.org": ("Bo", "Outreach", lambda item: "na" if item == "role-1" else "2"),
    }
    kobo = tmp_path / "kobo.csv"
    plain = tmp_path / "plain.csv"
    with kobo.open("w", encoding="utf-8", newline="") as k, plain.open("w", newline="") as p:
        kobo_csv = csv.writer(k, delimiter=";", lineterminator="\n")
        plain_csv = csv.writer(p, lineterminator="\n")
        kobo_csv.writerow(["start", "end", *columns, "_id", "_uuid", "_index"])
        plain_csv.writerow(["respondent", "name", "team", *(i.id for _, i in framework.items())])
        for n, (key, (name, team, answer)) in enumerate(people.items()):
            cells = {"respondent": key, "name": name, "team": team}
            row = [
                cells.get(c, "" if c.endswith("_scale") else answer(c.split("/")[-1]))
                for c in columns
            ]
            kobo_csv.writerow(["2026-01-05T10:00", "2026-01-05T10:08", *row, n, f"u{n}", n + 1])
            plain_csv.writerow([key, name, team, *(answer(i.id) for _, i in framework.items())])
    scores = {}
    for name, source in (("kobo", kobo), ("plain", plain)):
        out = tmp_path / name
        result = run("batch", source, "--out", out, "--group-by", "team", "--min-group-size", "1")
        assert result.exit_code == 0, result.stderr
        scores[name] = (out / "scores.csv").read_text(encoding="utf-8-sig")
    assert scores["kobo"] == scores["plain"]
    with (tmp_path / "kobo" / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = {row["respondent"]: row for row in csv.DictReader(stream)}
    ann, bo = rows["ann@example.org"], rows["bo@example.org"]
    assert (ann["team"], ann["overall"], ann["answered"]) == ("Hostel", "3.33", "33")
    # role-1 is n/a; role-2 is 2 and the reverse-keyed role-3 is 2, which counts as 4.
    assert (bo["team"], bo["role"], bo["answered"]) == ("Outreach", "3.00", "32")


def test_template_raters_is_a_360_form_that_batch_scores(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    minimal = DATA / "framework.minimal.yaml"
    result = run("template", "--raters", "--framework", minimal, "--output", target)
    assert (result.exit_code, result.stderr) == (
        0,
        f"Wrote {target} (the columns of a 360 form) and {tmp_path / 'r-dictionary.md'} "
        "(what they mean).\n",
    )
    header = target.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == (
        "respondent,Who are you rating?,How do you work with them?,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3"
    )
    dictionary = (tmp_path / "r-dictionary.md").read_text(encoding="utf-8")
    assert "| `How do you work with them?` | `self`, `manager`, `peer` or `partner`." in dictionary
    assert "## Answers" in dictionary and "`team`" not in dictionary
    rows = [["a@x", "sam@x", "Self", "4", "4", "2", "3", "3", "3"]]
    rows += [[f"r{n}@x", "sam@x", "Partner agency", "3", "3", "3", "4", "4", "2"] for n in range(3)]
    with target.open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    out = tmp_path / "out"
    result = run(
        "batch", target, "--framework", minimal, "--out", out,
        "--subject-column", "Who are you rating?", "--rater-column", "How do you work with them?",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        (sam,) = list(csv.DictReader(stream))
    assert (sam["respondent"], sam["c1_self"], sam["c1_partner"], sam["c2_others"]) == (
        "sam@x",
        "4.00",
        "3.00",
        "4.00",
    )


def test_template_raters_is_csv_only(tmp_path: Path) -> None:
    result = run("template", "--raters", "--format", "xlsx", "--output", tmp_path / "r.xlsx")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --raters works with --format csv only, not xlsx; build the form from the "
        "CSV and its data dictionary\n",
    )
