"""Inputs of any size or kind, hostile text in Markdown, and full disks (issue 8)."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodpartners.cli import app
from goodpartners.models import Framework
from goodpartners.personal.history import save_assessment, save_prep_card
from tests.conftest import DATA, WHEN, make_assessment, make_prep_card

runner = CliRunner()
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX files and limits")
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_NOTE = "[click](javascript:alert(1)) and <script>alert(2)</script>"


def no_live_markup(text: str) -> None:
    assert "<img" not in text and "<script" not in text
    assert re.search(r"(?<!\\)\]\(javascript:", text) is None  # only an escaped \]( is left


def run_module(
    *args: str, home: Path, limit_bytes: int | None = None, stdout: object = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """goodpartners as a real process; with limit_bytes, writes past it fail as on a full disk."""

    def limit() -> None:
        if limit_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-m", "goodpartners", *args],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "GOODPARTNERS_HOME": str(home)},
        preexec_fn=limit,  # noqa: PLW1509
        timeout=60,
        check=False,
    )


# 13. raw HTML and links are escaped in every Markdown output -------------------------------


def test_report_markdown_escapes_a_hostile_name_and_note() -> None:
    assessment = make_assessment(name=HOSTILE_NAME, assessment_id="a")
    assessment.notes["role"] = HOSTILE_NOTE
    save_assessment(assessment)
    result = runner.invoke(app, ["report", "a", "--format", "md"])
    assert result.exit_code == 0, result.stderr
    no_live_markup(result.stdout)
    assert "- **Who:** &lt;img src=x onerror=alert(1)&gt;" in result.stdout
    assert "\\[click\\](javascript:alert(1)) and &lt;script&gt;alert(2)&lt;/script&gt;" in (
        result.stdout
    )


def test_prep_card_markdown_escapes_the_meeting_and_the_reflection(framework: Framework) -> None:
    card = make_prep_card(framework)
    card = card.model_copy(update={"meeting": HOSTILE_NAME, "role": HOSTILE_NOTE})
    save_prep_card(card)
    result = runner.invoke(app, ["report", card.id, "--format", "md"])
    assert result.exit_code == 0, result.stderr
    no_live_markup(result.stdout)
    assert result.stdout.startswith("# Meeting prep card: &lt;img src=x onerror=alert(1)&gt;\n")


def test_people_markdown_reports_from_batch_escape_names(tmp_path: Path) -> None:
    source = tmp_path / "team.csv"
    text = (DATA / "exports" / "google-forms.csv").read_text(encoding="utf-8")
    source.write_text(text.replace("Zoë Okafor", HOSTILE_NAME), encoding="utf-8")
    result = runner.invoke(
        app, ["batch", str(source), "--out", str(tmp_path / "out"), "--reports", "md"]
    )
    assert result.exit_code == 0, result.stderr
    reports = list((tmp_path / "out" / "people").glob("*.md"))
    assert reports
    for report in reports:
        no_live_markup(report.read_text(encoding="utf-8"))
    zoe = (tmp_path / "out" / "people" / "zoe.okafor@example.org.md").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in zoe


# 16. devices and pipes are refused at once, never read without end ------------------------


@POSIX
@pytest.mark.parametrize("command", [["assess", "--answers"], ["framework", "validate"]])
def test_dev_zero_is_refused_at_once(private_home: Path, command: list[str]) -> None:
    result = run_module(*command, "/dev/zero", home=private_home)
    assert result.returncode == 1
    assert "/dev/zero: not a regular file (a device, pipe or socket); give a" in result.stderr


@POSIX
@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["assess", "--answers"], "Error: {fifo}: not a regular file (a device, pipe or socket); "
         "give a YAML or JSON answers file\n"),
        (["framework", "validate"], "{fifo}: not a regular file (a device, pipe or socket); give "
         "a YAML framework file\nError: 1 of 1 file failed; fix the problems listed above\n"),
        (["prep", "--answers"], "Error: {fifo}: not a regular file (a device, pipe or socket); "
         "give a YAML or JSON answers file\n"),
    ],
)  # fmt: skip
def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, private_home: Path, command: list[str], message: str
) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = run_module(*command, str(fifo), home=private_home)  # would hang before
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert result.stderr == message.format(fifo=fifo)


def test_a_folder_given_as_answers_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", "--answers", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: {tmp_path}: this is a folder; give a YAML or JSON answers file\n"
    )


# 17. see test_frameworks.BAD_FRAMEWORKS["scale-too-big"] for the file:line:col message -----


def test_a_scale_of_a_hundred_million_points_is_refused_quickly() -> None:
    path = DATA / "framework.scale-too-big.yaml"
    result = runner.invoke(app, ["framework", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:9:8: a scale from 1 to 100000000 has 100,000,000 points" in result.stdout + (
        result.stderr
    )


# 18 and 20. numbers of any length, digits that are not ASCII: messages, never Python -------


def test_a_5000_digit_number_in_an_answers_file_is_a_problem_not_a_traceback() -> None:
    path = DATA / "answers.5000-digit-number.yaml"
    result = runner.invoke(app, ["assess", "--answers", str(path), "--no-save"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: 1 problem: role-1: a 5000-digit number is not on the scale 1 to 5\n"
    )


def test_a_superscript_two_in_an_answers_file_is_not_an_answer() -> None:
    path = DATA / "answers.superscript-two.yaml"
    result = runner.invoke(app, ["assess", "--answers", str(path), "--no-save"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: 1 problem: role-1: '²' is not an answer; use 1 to 5, a label or n/a\n"
    )


def test_typed_superscript_and_huge_numbers_get_hints_at_every_prompt() -> None:
    huge = "9" * 5000
    script = ["²", huge, "4", "4", "4", "", *(["4", "4", "4", ""] * 10), "²", huge, "99", ""]
    result = runner.invoke(
        app, ["assess", "--no-save", "--format", "json"], input="\n".join(script)
    )
    assert result.exit_code == 0, result.stderr
    assert "'²' is not an answer; type a number from 1 to 5, or ? for help." in result.stderr
    assert "99999999999999999... is not on the scale; type a number from 1 to 5." in result.stderr
    assert result.stderr.count("Type a number from 1 to 33, w, r, or press Enter to finish.") == 3
    assert "invalid literal" not in result.stderr and "int_max_str_digits" not in result.stderr


def test_prep_review_takes_only_plain_numbers() -> None:
    from tests.test_cli_prep import AFTER_OFFERS, OVER, QUICK, ROLE, WHO

    script = [*WHO, *QUICK, *ROLE, *OVER, "n", *AFTER_OFFERS[:-1], "²", "9" * 5000, ""]
    result = runner.invoke(
        app,
        ["prep", "--meeting", "Case review", "--date", "2026-11-12"],
        input="\n".join(script) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("Type a number from 1 to 11, r, or press Enter for your card.") == 2
    assert "invalid literal" not in result.stderr and "Traceback" not in result.stderr


# 20. a full disk says which file could not be written ---------------------------------------


@POSIX
def test_report_to_a_full_disk_under_a_redirect_says_so(tmp_path: Path, private_home: Path) -> None:
    save_assessment(make_assessment(assessment_id="a"))
    with open(tmp_path / "report.html", "w") as target:
        result = run_module(
            "report", "a", "--format", "html", home=private_home, limit_bytes=2000, stdout=target
        )
    assert result.returncode == 1
    assert result.stderr == (
        "Error: could not write to the screen or the file it is sent to (File too large); "
        "check that the disk has space, or write to a file with --output\n"
    )


@POSIX
def test_report_output_to_a_full_disk_names_the_file_and_leaves_no_half_file(
    tmp_path: Path, private_home: Path
) -> None:
    save_assessment(make_assessment(assessment_id="a"))
    target = tmp_path / "report.html"
    target.write_text("the previous report\n")
    result = run_module("report", "a", "-o", str(target), home=private_home, limit_bytes=2000)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {target}: cannot write the file (File too large)")
    assert target.read_text() == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gp-home", "report.html"]


@POSIX
def test_saving_a_result_on_a_full_disk_names_the_file_and_keeps_the_answers(
    tmp_path: Path, private_home: Path
) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("role-1: 4\n")
    (private_home / "assessments").mkdir(parents=True)
    result = run_module("assess", "--answers", str(answers), home=private_home, limit_bytes=200)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(f"Error: {private_home / 'assessments'}")
    assert "cannot save the result (File too large); check that the disk has space" in (
        result.stderr
    )
    assert list((private_home / "assessments").iterdir()) == []


@POSIX
def test_read_only_history_folder_is_a_message(tmp_path: Path, private_home: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    answers = tmp_path / "a.yaml"
    answers.write_text("role-1: 4\n")
    folder = private_home / "assessments"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        result = run_module("assess", "--answers", str(answers), home=private_home)
    finally:
        folder.chmod(0o700)
    assert result.returncode == 1
    assert "cannot save the result (Permission denied)" in result.stderr


def test_compare_of_quick_and_full_in_history_compare(private_home: Path) -> None:
    save_assessment(make_assessment({"role-1": 3}, assessment_id="a", quick=True))
    save_assessment(make_assessment(when=WHEN + timedelta(days=1), assessment_id="b"))
    result = runner.invoke(app, ["history", "compare"])
    assert result.exit_code == 0, result.stderr
    assert "compared on the 11 quick-check statements only" in " ".join(result.stdout.split())


def test_a_control_character_in_an_answers_file_names_its_place() -> None:
    path = DATA / "answers.control-character.yaml"
    result = runner.invoke(app, ["assess", "--answers", str(path), "--no-save"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}:2:10: this line has a control character (U+0001); delete it (it is "
        "often pasted in by accident)\n"
    )


@POSIX
def test_batch_refuses_a_fifo_and_dev_zero_at_once(tmp_path: Path, private_home: Path) -> None:
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    for source in (fifo, Path("/dev/zero")):
        result = run_module("batch", str(source), "--out", str(tmp_path / "out"), home=private_home)
        assert result.returncode == 1
        assert result.stderr == (
            f"Error: {source}: not a regular file (a device, pipe or socket); give the CSV file "
            "exported from your form\n"
        )
    baseline = run_module(
        "batch", str(DATA / "exports" / "google-forms.csv"), "--baseline", "/dev/zero",
        "--out", str(tmp_path / "out"), home=private_home,
    )  # fmt: skip
    assert baseline.returncode == 2
    assert baseline.stderr == (
        "Error: --baseline /dev/zero: not a regular file (a device, pipe or socket); give the "
        "CSV file exported from your form\n"
    )
    assert not (tmp_path / "out").exists()


def test_notes_in_a_flat_answers_file_reach_the_report() -> None:
    # The README says a flat answers file can have notes:; they were dropped in silence.
    path = DATA / "answers.flat-with-notes.yaml"
    result = runner.invoke(app, ["assess", "--answers", str(path), "--no-save", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["competencies"]["role"]["note"] == "I said what I can do at the panel."
    assert report["answers"]["role-2"] == 5
