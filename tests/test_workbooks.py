"""`goodpartners batch` on Excel workbooks: scored as their CSV twins, and bad ones refused."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from goodpartners.cli import app
from goodpartners.models import Framework
from goodpartners.team.problems import ProblemLog
from goodpartners.team.responses import match_columns
from goodpartners.team.rows import RowScorer
from goodpartners.team.workbook import cell_text, open_workbook

EXPORTS = Path(__file__).parent / "data" / "exports"
MS_TEAM = "Which team are you in?"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "80"})


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


@pytest.mark.parametrize(
    ("workbook", "twin", "extra"),
    [
        ("workbook.generic.xlsx", "workbook.generic.csv", ["--group-by", "team"]),
        (
            "workbook.microsoft-forms.xlsx",
            "microsoft-forms.csv",
            ["--sheet", "Form1", "--group-by", MS_TEAM],
        ),
    ],
)
def test_workbook_scores_exactly_as_its_csv_twin(
    tmp_path: Path, workbook: str, twin: str, extra: list[str]
) -> None:
    book = run("batch", EXPORTS / workbook, "--out", tmp_path / "book", *extra)
    assert book.exit_code == 0, book.stderr
    plain = [e for e in extra if e not in ("--sheet", "Form1")]
    text = run("batch", EXPORTS / twin, "--out", tmp_path / "csv", *plain)
    assert text.exit_code == 0, text.stderr
    scores = read_rows(tmp_path / "book" / "scores.csv")
    assert len(scores) == 7
    assert scores == read_rows(tmp_path / "csv" / "scores.csv")


@pytest.mark.parametrize(
    ("workbook", "twin", "source"),
    [
        ("workbook.microsoft-anonymous.xlsx", "platform.microsoft-anonymous.twin.csv", "microsoft"),
        ("workbook.qualtrics.xlsx", "platform.qualtrics-codes.twin.csv", "qualtrics"),
    ],
)
def test_platform_workbook_scores_as_its_clean_twin(
    tmp_path: Path, workbook: str, twin: str, source: str
) -> None:
    assert run("batch", EXPORTS / twin, "--out", tmp_path / "csv").exit_code == 0
    expected = read_rows(tmp_path / "csv" / "scores.csv")
    assert len(expected) == 7
    book = run("batch", EXPORTS / workbook, "--out", tmp_path / "book")
    assert book.exit_code == 0, book.stderr
    assert read_rows(tmp_path / "book" / "scores.csv") == expected
    forced = run("batch", EXPORTS / workbook, "--out", tmp_path / "forced", "--source", source)
    assert forced.exit_code == 0, forced.stderr
    assert read_rows(tmp_path / "forced" / "scores.csv") == expected


def test_qualtrics_workbook_rows_are_excel_rows_and_all_accounted_for(
    tmp_path: Path, framework: Framework
) -> None:
    path = EXPORTS / "workbook.qualtrics.xlsx"
    source = open_workbook(path)
    try:
        assert source.layout.source == "qualtrics" and source.layout.header_rows == 3
        assert source.lines.count == 3  # rows 1 to 3 are header, not data
        columns = match_columns(source.header, framework, str(path), "Response ID")
        scorer = RowScorer(framework, source, columns, ProblemLog(None))
        scored = sum(len(chunk.rows) for chunk, _ in scorer.chunks())
        preview_lines = list(scorer.reader.preview_lines)
    finally:
        source.close()
    assert scored == 6 and scorer.reader.previews == 2
    assert scorer.lines == 8  # rows 4 to 11
    assert scorer.rows + scorer.reader.previews == scorer.lines
    assert preview_lines == [5, 9]  # the same rows as the CSV's lines
    result = run("batch", path, "--out", tmp_path / "out")
    assert "Left out 2 preview responses (lines 5 and 9)" in result.output


def test_workbook_problems_give_the_sheet_row_and_column_letter(tmp_path: Path) -> None:
    result = run("batch", EXPORTS / "workbook.generic.xlsx", "--out", tmp_path / "book")
    assert result.exit_code == 0, result.stderr
    assert run("batch", EXPORTS / "workbook.generic.csv", "--out", tmp_path / "csv").exit_code == 0
    book = read_rows(tmp_path / "book" / "problems.csv")
    plain = read_rows(tmp_path / "csv" / "problems.csv")
    assert book[1][:3] == ["4", "G ('role-3')", "7"]
    assert book[1][3].startswith("sheet 'Responses': 7 is outside the scale")
    assert plain[1][:3] == ["4", "role-3", "7"]  # CSV input's problems.csv is unchanged
    assert book[1][3] == "sheet 'Responses': " + plain[1][3]


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    result = run("batch", EXPORTS / "workbook.microsoft-forms.xlsx", "--sheet", "Sheet9")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("has no such sheet; its sheets are 'Notes', 'Form1'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_sheet_with_csv_input_is_a_usage_error(tmp_path: Path) -> None:
    result = run("batch", EXPORTS / "workbook.generic.csv", "--sheet", "x", "--out", tmp_path)
    assert result.exit_code == 2
    assert "--sheet only picks a sheet of a workbook" in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("workbook.encrypted.xlsx", "this workbook is protected with a password"),
        ("workbook.old.xls", "this is an old Excel 97-2003 workbook (.xls)"),
        ("workbook.csv-renamed.xlsx", "this is a CSV or text file, not a workbook"),
    ],
)
def test_bad_workbooks_are_refused_in_one_line(tmp_path: Path, name: str, message: str) -> None:
    result = run("batch", EXPORTS / name, "--out", tmp_path / "out")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_zip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\x00" * (1 << 20)
            for _ in range(427):
                part.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started = time.perf_counter()
    result = run("batch", bomb, "--out", tmp_path / "out")
    assert time.perf_counter() - started < 1
    assert result.exit_code == 1
    assert "this workbook would unzip to 427 MB" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_encrypted_zip_entries_are_refused(tmp_path: Path) -> None:
    book = tmp_path / "locked.xlsx"
    book.write_bytes((EXPORTS / "workbook.generic.xlsx").read_bytes())
    data = bytearray(book.read_bytes())
    data[6] |= 0x1  # the first local header's flags: encrypted
    start = data.find(b"PK\x01\x02")  # and every central directory entry's
    while start >= 0:
        data[start + 8] |= 0x1
        start = data.find(b"PK\x01\x02", start + 4)
    book.write_bytes(bytes(data))
    result = run("batch", book, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "protected with a password" in result.stderr


def test_sheet_starting_below_and_right_keeps_excel_rows_and_letters(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["C3"], sheet["D3"], sheet["E3"] = "respondent", "role-1", "role-2"
    sheet["C4"], sheet["D4"], sheet["E4"] = "a", 4.0, "'3"
    sheet["C6"], sheet["D6"], sheet["E6"] = "b", 9.0, 2
    path = tmp_path / "offset.xlsx"
    book.save(path)
    result = run("batch", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    problems = read_rows(tmp_path / "out" / "problems.csv")
    assert problems[1][:3] == ["6", "D ('role-1')", "9"]


def test_cell_text() -> None:
    from datetime import date, datetime, time

    assert cell_text(4.0) == "4"
    assert cell_text(4.5) == "4.5"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text("'4") == "4"
    assert cell_text("'Tis") == "'Tis"
    assert cell_text(True) == "TRUE"
    assert cell_text(datetime(2025, 3, 1)) == "2025-03-01"
    assert cell_text(datetime(2025, 3, 1, 9, 30)) == "2025-03-01 09:30:00"
    assert cell_text(date(2025, 3, 1)) == "2025-03-01"
    assert cell_text(time(9, 30)) == "09:30:00"


def test_reading_a_csv_does_not_import_calamine() -> None:
    code = (
        "import sys, goodpartners.cli, goodpartners.team.batch; "
        "print('python_calamine' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_match_on_the_first_sheet_points_to_the_other_sheets(tmp_path: Path) -> None:
    # Tried as a user: a workbook whose answers are on its second sheet said only "no
    # column matches", with no word about --sheet.
    path = EXPORTS / "workbook.microsoft-forms.xlsx"
    result = run("batch", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Run 'goodpartners template' to see the columns it expects. This is its first sheet, "
        "'Notes'; if the answers are on another ('Form1'), choose it with --sheet\n"
    )
