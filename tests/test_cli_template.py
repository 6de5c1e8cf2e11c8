"""`goodpartners template`: the blank responses CSV and its data dictionary, exact text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from goodpartners.cli import app
from goodpartners.models import Framework

DATA = Path(__file__).parent / "data"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(
        app, [str(a) for a in args], prog_name="goodpartners", env={"COLUMNS": "80"}
    )


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
