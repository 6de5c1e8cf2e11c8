"""Survey platform layouts (team/layouts.py): each platform's export scores exactly as its
clean CSV twin, the platforms are told apart, and every line is accounted for."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from goodpartners.cli import app
from goodpartners.models import Framework
from goodpartners.team.layouts import detect_source, layout_for, peek_rows, strip_html
from goodpartners.team.problems import ProblemLog
from goodpartners.team.responses import detect_format, match_columns, open_responses
from goodpartners.team.rows import RowScorer

EXPORTS = Path(__file__).parent / "data" / "exports"
PLATFORMS = {
    "qualtrics-codes": ("qualtrics", 3, 2),
    "qualtrics-text": ("qualtrics", 3, 2),
    "qualtrics-legacy-codes": ("qualtrics", 2, 2),
    "qualtrics-legacy-text": ("qualtrics", 2, 2),
    "surveymonkey": ("surveymonkey", 2, 0),
    "surveymonkey-condensed": ("surveymonkey", 1, 0),
    "typeform": ("typeform", 1, 0),
    "microsoft-shuffled": ("microsoft", 1, 0),
    "microsoft-anonymous": ("microsoft", 1, 0),
}
EXISTING = {
    "google-forms.csv": "google",
    "microsoft-forms.csv": "microsoft",
    "kobo.csv": "kobo",
    "limesurvey.csv": "limesurvey",
    "excel-cp1252.csv": "generic",
    "responses.sep-line.csv": "generic",
    "responses.utf16.csv": "generic",
}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="goodpartners")


def scores(out: Path) -> list[list[str]]:
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def first_rows(path: Path) -> list[list[str]]:
    fmt = detect_format(path)
    return peek_rows(path, fmt.encoding, fmt.delimiter, fmt.sep_line)


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_platform_export_scores_as_its_clean_twin(name: str, tmp_path: Path) -> None:
    export = EXPORTS / f"platform.{name}.csv"
    twin = EXPORTS / f"platform.{name}.twin.csv"
    result = run("batch", export, "--out", tmp_path / "platform")
    assert result.exit_code == 0, result.output
    assert run("batch", twin, "--out", tmp_path / "twin").exit_code == 0
    assert scores(tmp_path / "platform") == scores(tmp_path / "twin")
    assert len(scores(tmp_path / "platform")) == 7  # the header and six people
    forced = run("batch", export, "--out", tmp_path / "forced", "--source", PLATFORMS[name][0])
    assert forced.exit_code == 0, forced.output
    assert scores(tmp_path / "forced") == scores(tmp_path / "twin")


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_platform_is_detected(name: str) -> None:
    source, header_rows, _ = PLATFORMS[name]
    rows = first_rows(EXPORTS / f"platform.{name}.csv")
    assert detect_source(rows) == source
    assert layout_for("auto", rows).header_rows == header_rows


@pytest.mark.parametrize("name", sorted(EXISTING))
def test_existing_exports_keep_one_header_row(name: str) -> None:
    rows = first_rows(EXPORTS / name)
    assert detect_source(rows) == EXISTING[name]
    assert layout_for("auto", rows).header_rows == 1


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_every_line_is_header_scored_preview_problem_or_empty(
    name: str, framework: Framework
) -> None:
    path = EXPORTS / f"platform.{name}.csv"
    fmt = detect_format(path)
    source = open_responses(path, fmt)
    try:
        header_end = source.lines.count
        columns = match_columns(source.header, framework, str(path))
        scorer = RowScorer(framework, source, columns, ProblemLog(None))
        scored = sum(len(chunk.rows) for chunk, _ in scorer.chunks())
    finally:
        source.close()
    text = path.read_bytes().decode(fmt.encoding)
    physical = len(re.findall(r"\r\n|\r|\n", text)) + bool(re.search(r"[^\r\n]\Z", text))
    assert header_end == PLATFORMS[name][1]
    assert scorer.lines == physical - header_end
    assert scorer.rows == scored + scorer.not_scored + scorer.skipped
    assert scorer.reader.previews == PLATFORMS[name][2]
    assert scorer.rows + scorer.reader.previews == scorer.lines


def test_qualtrics_previews_are_left_out_and_said_so(tmp_path: Path) -> None:
    result = run("batch", EXPORTS / "platform.qualtrics-codes.csv", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Left out 2 preview responses (lines 5 and 9)" in result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["rows"] == 6
    assert any(w.startswith("Left out 2 preview responses") for w in summary["warnings"])
    ids = [row[0] for row in scores(tmp_path / "out")[1:]]
    assert not any("preview" in i for i in ids)


def test_two_columns_for_one_item_are_named(tmp_path: Path) -> None:
    with (EXPORTS / "platform.typeform.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[0].append(f"<em>{strip_html(rows[0][1])}</em>")  # column AO: role-1 again
    for row in rows[1:]:
        row.append("3")
    path = tmp_path / "typeform.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    result = run("batch", path, "--out", tmp_path / "out")
    assert result.exit_code != 0
    message = " ".join(result.output.split())
    assert "columns B ('I explain my role" in message and ") and AO ('I explain my role" in message
    assert "both match item role-1" in message


def test_typeform_headings_lose_their_html() -> None:
    assert strip_html("<strong>I plan</strong> &amp; <em>ask</em>") == "I plan & ask"


def test_forcing_a_one_row_layout_on_qualtrics_finds_no_statements(tmp_path: Path) -> None:
    result = run(
        "batch", EXPORTS / "platform.qualtrics-codes.csv", "--out", tmp_path / "o",
        "--source", "generic",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "no column matches a statement" in result.output


def test_surveymonkey_condensed_headings_become_grid_headings() -> None:
    rows = first_rows(EXPORTS / "platform.surveymonkey-condensed.csv")
    layout = layout_for("auto", rows)
    header = layout.combine(rows[:1])
    assert header[0] == "Respondent ID" and layout.id_for(header) == "Respondent ID"
    assert header[5].startswith("How often do you do this in multi-agency work? [I explain")
    assert header[-1] == "Which team are you in?"


def test_surveymonkey_header_only_condensed_export_has_one_header_row() -> None:
    rows = [["Respondent ID", "Collector ID", "Q - S"]]
    assert detect_source(rows) == "surveymonkey"
    assert layout_for("auto", rows).header_rows == 1
    expanded = [rows[0], ["", "", "S"]]
    assert layout_for("surveymonkey", expanded).header_rows == 2
