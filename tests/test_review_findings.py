"""Bad input found in review: each gets a one-line message or works, never a traceback."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import goodpartners.files
from goodpartners.cli import app
from goodpartners.models import Framework
from goodpartners.personal.history import save_assessment, save_prep_card
from tests.conftest import WHEN, make_assessment, make_prep_card

runner = CliRunner()
SHIPPED = Path(__file__).parent.parent / "frameworks" / "good-partners.yaml"


def feed(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


ALL_FOURS = [line for _ in range(11) for line in ("4", "4", "4", "")]


def run(*args: str | Path, **kwargs: object) -> Result:
    return runner.invoke(app, [str(a) for a in args], **kwargs)  # type: ignore[arg-type]


def answers_file(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


# Odd bytes and text ------------------------------------------------------------------


def test_assess_non_utf8_bytes_typed_as_a_note_are_kept_as_replacement_marks(
    private_home: Path,
) -> None:
    typed = b"4\n4\n4\n\xff\xfe note\n" + feed([*ALL_FOURS[4:], ""]).encode()
    result = run("assess", "--format", "json", input=typed)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["competencies"]["role"]["note"] == "\ufffd\ufffd note"


def test_assess_non_utf8_bytes_as_an_answer_get_a_hint() -> None:
    result = run("assess", input=b"\xff\xfe\n")
    no_traceback(result)
    assert result.exit_code == 1
    assert "'\ufffd\ufffd' is not an answer; type a number from 1 to 5" in result.stderr
    assert "\nError: the input ended before the questionnaire was finished" in result.stderr


def test_assess_name_with_non_utf8_bytes_from_the_command_line(
    tmp_path: Path, private_home: Path
) -> None:
    answers = answers_file(tmp_path, "role-1: 4\n")
    # On POSIX a byte that is not UTF-8 reaches Python as a lone surrogate.
    result = run("assess", "--answers", answers, "--name", "Sam \udcff", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["assessment"]["name"] == "Sam \ufffd"


def test_prep_meeting_with_non_utf8_bytes_from_the_command_line(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "date: 2026-11-12\n")
    result = run("prep", "--answers", answers, "--meeting", "Review \udcff", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["meeting"] == "Review \ufffd"


def test_batch_pseudonym_key_with_non_utf8_bytes(tmp_path: Path) -> None:
    responses = tmp_path / "r.csv"
    responses.write_text("respondent,role-1,role-2\na,3,4\n")
    result = run(
        "batch", responses, "--out", tmp_path / "out", "--anonymise", "--pseudonym-key", "k\udcff"
    )
    no_traceback(result)
    assert result.exit_code == 0, result.stderr


def test_answers_file_with_an_escape_that_is_not_a_character(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, 'answers:\n  role-1: 4\nnotes:\n  role: "\\ud800"\n')
    result = run("assess", "--answers", answers)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {answers}:4:9: this text has an escape code that is not a character "
        "(such as \\ud800); type the character itself\n"
    )


def test_answers_file_with_an_item_given_twice(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "role-1: 4\nrole-2: 3\nrole-1: 2\n")
    result = run("assess", "--answers", answers)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {answers}:3:1: 'role-1' appears twice; remove or rename one of them\n"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("answers:\n  role-1: 4\nquick: 'no'\n", "quick: give true or false"),
        (
            "answers:\n  role-1: 4\nname: {first: Sam}\n",
            "name: this should be text; put it in quotes",
        ),
        (
            "answers:\n  role-1: 4\nnotes:\n  role: {a: 1}\n",
            "notes.role: this should be text; put it in quotes",
        ),
    ],
)
def test_answers_file_quick_name_and_notes_of_the_wrong_type(
    tmp_path: Path, text: str, problem: str
) -> None:
    answers = answers_file(tmp_path, text)
    result = run("assess", "--answers", answers)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {answers}: 1 problem: {problem}\n"


# Impossible dates in YAML --------------------------------------------------------------


def test_answers_file_with_an_impossible_date(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "role-1: 2026-02-30\n")
    result = run("assess", "--answers", answers)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {answers}: 1 problem: role-1: '2026-02-30' is not an answer; "
        "use 1 to 5, a label or n/a\n"
    )


def test_prep_answers_file_with_an_impossible_date(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "meeting: Case review\ndate: 2026-02-30\n")
    result = run("prep", "--answers", answers)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {answers}: 1 problem: date: 2026-02-30 is not a real date; "
        "check the month and the day\n"
    )


def test_framework_with_an_impossible_date(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace('version: "1.0"', "version: 2026-02-30")
    assert "version: 2026-02-30" in text
    path = answers_file(tmp_path, text, "framework.yaml")
    result = run("framework", "validate", path)
    no_traceback(result)
    assert result.exit_code == 1
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("version:"))
    assert result.stderr == (
        f"{path}:{line}:10: this value cannot be read (day is out of range for month); "
        "write it as plain text in quotes (at version)\n"
        "Error: 1 of 1 file failed; fix the problems listed above\n"
    )


# Where output goes ------------------------------------------------------------------------


def test_output_to_a_folder(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "role-1: 4\n")
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run("assess", "--answers", answers, "--no-save", "--output", folder)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: {folder}: this is a folder, not a file; give a file name\n"
    )


def test_output_to_a_folder_still_says_where_the_assessment_is_saved(
    tmp_path: Path, private_home: Path
) -> None:
    answers = answers_file(tmp_path, "role-1: 4\n")
    result = run("assess", "--answers", answers, "--output", tmp_path)
    assert result.exit_code == 1
    [saved] = (private_home / "assessments").glob("*.json")
    assert f"Saved as {saved.stem}." in result.stderr
    assert result.stderr.endswith(
        f"Error: {tmp_path}: this is a folder, not a file; give a file name\n"
    )


def test_output_inside_a_file(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "role-1: 4\n")
    target = answers / "report.html"
    result = run("assess", "--answers", answers, "--no-save", "--output", target)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: {target}: cannot write the file (Not a directory); check that the folder "
        "exists and that you can write there, or choose another place\n"
    )


def test_data_folder_that_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = answers_file(tmp_path, "", "not-a-folder")
    monkeypatch.setenv("GOODPARTNERS_HOME", str(home))
    result = run("assess", input="4\n")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: {home / 'drafts'}: cannot make this folder (Not a directory); "
        "check the path, or choose another place\n"
    )


def test_output_where_the_user_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(goodpartners.files.tempfile, "mkstemp", refuse)
    target = tmp_path / "responses.csv"
    result = run("template", "--output", target)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {target}: cannot write the file (Permission denied); check that the folder "
        "exists and that you can write there, or choose another place\n"
    )


def test_batch_out_where_the_folder_cannot_be_made(tmp_path: Path) -> None:
    responses = tmp_path / "r.csv"
    responses.write_text("respondent,role-1,role-2\na,3,4\n")
    out = responses.parent / "r.csv-parent-file" / "out"
    out.parent.write_text("a file where a folder should be")
    result = run("batch", responses, "--out", out)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: cannot make this folder (Not a directory); "
        "check the path, or choose another place\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_output_to_a_named_pipe_writes_into_the_pipe(tmp_path: Path) -> None:
    answers = answers_file(tmp_path, "role-1: 4\n")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()), daemon=True)
    reader.start()
    result = run("assess", "--answers", answers, "--no-save", "--format", "json", "-o", pipe)
    reader.join(timeout=10)
    assert result.exit_code == 0, result.stderr
    assert pipe.is_fifo()  # not replaced by a regular file
    assert json.loads(received[0])["answers"]["role-1"] == 4


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_screen_output_to_a_full_disk() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "goodpartners", "framework", "show"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    # 'framework show' has no --output, so the message does not offer one.
    assert result.stderr == (
        "Error: could not write (No space left on device); check that the disk has space "
        "and that you can write there, then run the command again\n"
    )


# Saved files that are odd --------------------------------------------------------------------


def test_report_of_an_assessment_with_answers_off_the_scale(private_home: Path) -> None:
    save_assessment(make_assessment({"role-1": 9, "role-2": 4}))
    result = run("report", "20261102-093000")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: assessment 20261102-093000: the answer 9 to role-1 is not on the scale 1 to 5 "
        "of the framework 'good-partners'; it was made with another version of the framework, "
        "so give that file with --framework PATH\n"
    )


def test_history_compare_with_answers_off_the_scale(private_home: Path) -> None:
    earlier = WHEN - timedelta(days=9)
    save_assessment(make_assessment({"role-1": 4}, when=earlier, assessment_id="a"))
    save_assessment(make_assessment({"role-1": 0}, assessment_id="b"))
    result = run("history", "compare")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: assessment b: the answer 0 to role-1 is not on")


def test_new_assessment_after_one_with_answers_off_the_scale(
    tmp_path: Path, private_home: Path
) -> None:
    save_assessment(make_assessment({"role-1": 9}))
    answers = answers_file(tmp_path, "role-1: 4\n")
    result = run("assess", "--answers", answers, "--format", "json")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["comparison"] is None


def test_draft_with_answers_off_the_scale_asks_them_again(private_home: Path) -> None:
    draft = private_home / "drafts" / "good-partners.json"
    draft.parent.mkdir(parents=True)
    record = json.loads(make_assessment({"role-1": 9, "role-2": 4}).model_dump_json())
    record.update(id="draft", finished=None, notes={})
    draft.write_text(json.dumps(record))
    script = [*ALL_FOURS, ""]  # role-1 is asked again, and everything after it
    result = run("assess", "--resume", "--format", "json", input=feed(script))
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["answers"]["role-1"] == 4


def test_saved_files_without_a_time_zone(private_home: Path, tmp_path: Path) -> None:
    save_assessment(make_assessment({"role-1": 4}))
    path = private_home / "assessments" / "20261102-093000.json"
    record = json.loads(path.read_text())
    record["started"] = record["finished"] = "2026-11-02T09:30:00"
    path.write_text(json.dumps(record))
    assert run("history", "list").exit_code == 0
    answers = answers_file(tmp_path, "role-1: 4\n")
    result = run("assess", "--answers", answers)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr


def test_reflection_without_a_time_zone(framework: Framework, tmp_path: Path) -> None:
    card = make_prep_card(framework)
    path = save_prep_card(card)
    record = json.loads(path.read_text())
    record["reflection"]["written"] = "2026-10-16T16:15:00"
    path.write_text(json.dumps(record))
    answers = answers_file(tmp_path, "role-1: 4\n")
    result = run("assess", "--answers", answers)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr


def _unfinished_card(framework: Framework) -> Path:
    card = make_prep_card(framework, card_id="c1")
    path = save_prep_card(card)
    record = json.loads(path.read_text())
    record["meeting"] = None
    path.write_text(json.dumps(record))
    return path


@pytest.mark.parametrize(
    "args", [["report", "c1"], ["history", "show", "c1"], ["prep", "--after", "c1"]]
)
def test_saved_prep_card_that_is_not_finished(framework: Framework, args: list[str]) -> None:
    path = _unfinished_card(framework)
    result = run(*args, input="\n")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: not a finished prep card (it has no meeting or no date); "
        "delete it with 'goodpartners history delete c1'\n"
    )


def test_unfinished_prep_card_is_left_out_of_the_next_report(
    framework: Framework, tmp_path: Path
) -> None:
    _unfinished_card(framework)
    answers = answers_file(tmp_path, "role-1: 4\n")
    result = run("assess", "--answers", answers)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert run("history", "delete", "c1", "--yes").exit_code == 0


def test_delete_a_saved_assessment_that_cannot_be_read(private_home: Path) -> None:
    save_assessment(make_assessment({"role-1": 4}))
    path = private_home / "assessments" / "20261102-093000.json"
    path.write_text("garbage")
    result = run("history", "delete", "20261102-093000", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Deleted 20261102-093000.\n"
    assert not path.exists()


def test_delete_a_saved_prep_card_that_cannot_be_read(private_home: Path) -> None:
    path = private_home / "prep" / "c1.json"
    path.parent.mkdir(parents=True)
    path.write_text("garbage")
    result = run("history", "delete", "c1", "--yes")
    assert result.exit_code == 0, result.stderr
    assert not path.exists()


# Frameworks --------------------------------------------------------------------------


def test_unreadable_user_frameworks_folder_still_allows_the_shipped_one(
    private_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = private_home / "frameworks"
    folder.mkdir(parents=True)
    real_iterdir = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    listed = run("framework", "list")
    no_traceback(listed)
    assert listed.exit_code == 0
    assert listed.stdout.startswith("good-partners (shipped)")
    answers = answers_file(tmp_path, "role-1: 4\n")
    result = run("assess", "--answers", answers, "--no-save")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr


# Batch ------------------------------------------------------------------------------------


def test_batch_cell_longer_than_the_csv_limit(tmp_path: Path) -> None:
    responses = tmp_path / "r.csv"
    responses.write_text("respondent,role-1,role-2\na,3," + "x" * 200_000 + "\n")
    result = run("batch", responses, "--out", tmp_path / "out")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {responses}: line 2: a cell is longer than 131,072 characters, often because "
        "a quote is opened and never closed; check that line, or export the file again as CSV\n"
    )


@pytest.mark.parametrize("encoding", ["rot13", "base64", "hex"])
def test_batch_encoding_that_is_not_for_text(tmp_path: Path, encoding: str) -> None:
    responses = tmp_path / "r.csv"
    responses.write_text("respondent,role-1,role-2\na,3,4\n")
    result = run("batch", responses, "--out", tmp_path / "out", "--encoding", encoding)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --encoding {encoding}: not a text encoding; "
        "try utf-8, utf-8-sig, cp1252 or latin-1\n"
    )


def test_batch_forced_utf16_on_a_file_without_a_byte_order_mark(tmp_path: Path) -> None:
    responses = tmp_path / "r.csv"
    responses.write_text("respondent,role-1,role-2\na,3,4\n")
    result = run("batch", responses, "--out", tmp_path / "out", "--encoding", "utf-16")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {responses}: cannot read it as utf-16: the file does not start with the mark "
        "that says which kind of UTF-16 it is; check --encoding\n"
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        # The bad byte is in the sample read to find the delimiter ...
        (
            5_000,
            "line 5002: cannot read it as ascii: some bytes there are not plain English letters "
            "(ASCII); check --encoding",
        ),
        # ... or far beyond it, where the reader has read ahead of the line it is on.
        (
            40_000,
            "line 40002: cannot read it as ascii (some bytes there are not plain English letters "
            "(ASCII)); pass the right --encoding",
        ),
    ],
)
def test_batch_forced_encoding_error_names_the_right_line(
    tmp_path: Path, rows: int, message: str
) -> None:
    responses = tmp_path / "r.csv"
    lines = ["respondent,role-1,role-2", *(f"p{n},3,4" for n in range(rows)), "z,3,\xe9", ""]
    responses.write_bytes("\n".join(lines).encode("latin-1"))
    result = run("batch", responses, "--out", tmp_path / "out", "--encoding", "ascii")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {responses}: {message}\n"


# Prep -------------------------------------------------------------------------------------


def test_prep_quick_check_review_hint_matches_its_prompt() -> None:
    script = ["Case review", "2026-11-12", "", *["3"] * 11, "x"]
    result = run("prep", input=feed(script))
    assert "Type a number from 1 to 11, r, or press Enter to go on." in result.stderr
