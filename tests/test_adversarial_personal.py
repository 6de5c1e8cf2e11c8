"""The worker's side under hostile use: redirects, pipes, stray keys, broken files, races.

Each test is one slip from issue 8 that once lost data or gave a wrong answer quietly.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodpartners.cli import app
from goodpartners.models import Framework
from goodpartners.personal.history import save_assessment, save_new
from goodpartners.personal.questionnaire import StreamIO
from goodpartners.personal.report import build_report
from tests.conftest import DATA, WHEN, make_assessment

runner = CliRunner()


def run_module(
    *args: str, stdin: bytes = b"", home: Path, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """goodpartners as a real process, with real stdout and stderr pipes."""
    environment = {**os.environ, "GOODPARTNERS_HOME": str(home), **env}
    return subprocess.run(
        [sys.executable, "-m", "goodpartners", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=60,
        check=False,
    )


def plain_answers(count: int, answer: str = "4") -> str:
    return "".join(f"{answer}\n" for _ in range(count))


# 1. stdout carries only the report --------------------------------------------------


def test_redirected_quick_json_report_is_clean_json_and_the_questions_go_to_stderr(
    private_home: Path,
) -> None:
    result = run_module(
        "assess", "--quick", "--format", "json", stdin=plain_answers(11).encode(), home=private_home
    )
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)  # the whole of stdout is the report
    assert report["assessment"]["quick"] is True
    assert b"1 of 11" in result.stderr and b"11 of 11" in result.stderr
    assert b"Your answer" not in result.stdout


# 2. keys at the note prompt mean what they mean everywhere ----------------------------


def test_piped_plain_answers_score_all_33_statements_with_no_notes() -> None:
    # printf '4\n%.0s' $(seq 33) | goodpartners assess --no-save
    result = runner.invoke(
        app, ["assess", "--no-save", "--format", "json"], input=plain_answers(33)
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report["answers"].values()) == [4] * 33
    assert all(not c["note"] for c in report["competencies"].values())
    assert result.stderr.count("looks like an answer, not a note, so it is your answer to") == 10
    assert result.stderr.endswith(
        "The input ended. Every statement has an answer, so this finishes here.\n"
    )


def test_b_at_the_note_prompt_goes_back_to_the_last_statement() -> None:
    script = ["4", "4", "4", "b", "2", "My note", *plain_answers(30).split(), ""]
    result = runner.invoke(
        app, ["assess", "--no-save", "--format", "json"], input="\n".join(script)
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["answers"]["role-3"] == 2
    assert report["competencies"]["role"]["note"] == "My note"
    assert "Saying what my role is - 3 of 33" in result.stderr.split("My note")[0].split("b\n")[1]


def test_q_at_the_note_prompt_saves_and_quits(private_home: Path) -> None:
    result = runner.invoke(app, ["assess"], input="4\n4\n4\nq\n")
    draft = private_home / "drafts" / "good-partners.json"
    assert result.exit_code == 0
    assert result.stderr.endswith(
        f"Saved your answers so far in {draft}.\nTo carry on, run: goodpartners assess --resume\n"
    )
    saved = json.loads(draft.read_text())
    assert saved["answers"] == {"role-1": 4, "role-2": 4, "role-3": 4}
    assert saved["notes"] == {}


def test_question_mark_at_the_note_prompt_explains_notes_and_asks_again() -> None:
    script = ["4", "4", "4", "?", "Shared the plan", *plain_answers(30).split(), ""]
    result = runner.invoke(
        app, ["assess", "--no-save", "--format", "json"], input="\n".join(script)
    )
    assert result.exit_code == 0, result.stderr
    assert "A note is a short example from your own work" in result.stderr
    assert json.loads(result.stdout)["competencies"]["role"]["note"] == "Shared the plan"


def test_a_bare_number_at_the_last_note_prompt_is_not_taken_as_a_note() -> None:
    script = [*(["4", "4", "4", ""] * 10), "4", "4", "4", "3", "Listened first", ""]
    result = runner.invoke(
        app, ["assess", "--no-save", "--format", "json"], input="\n".join(script)
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "'3' looks like an answer, not a note, and there are no more statements. Type your "
        "note in words, or press Enter to skip." in " ".join(result.stderr.split())
    )
    report = json.loads(result.stdout)
    assert report["competencies"]["soft-skills"]["note"] == "Listened first"


def test_an_out_of_scale_number_at_the_note_prompt_gets_the_scale_hint() -> None:
    script = ["4", "4", "4", "9", "", *plain_answers(30).split(), ""]
    result = runner.invoke(
        app, ["assess", "--no-save", "--format", "json"], input="\n".join(script)
    )
    assert result.exit_code == 0, result.stderr
    assert "'9' looks like an answer, not a note. 9 is not on the scale" in result.stderr
    assert json.loads(result.stdout)["competencies"]["role"]["note"] is None


def test_notes_are_shown_and_changed_at_the_review() -> None:
    script = [
        *["4", "4", "4", "First note"],
        *(["4", "4", "4", ""] * 10),
        "w",  # review: write or change a note
        "1",  # the first competency
        "Better note",
        "w",
        "2",
        "Knew my offer",
        "",  # finish
    ]
    result = runner.invoke(
        app, ["assess", "--no-save", "--format", "json"], input="\n".join(script)
    )
    assert result.exit_code == 0, result.stderr
    assert "      Your note: First note" in result.stderr
    assert "Saved your note for 'Saying what my role is'." in result.stderr
    report = json.loads(result.stdout)
    assert report["competencies"]["role"]["note"] == "Better note"
    assert report["competencies"]["offer"]["note"] == "Knew my offer"


# 3. a quick check and a full assessment are compared like with like --------------------


def test_quick_then_full_is_compared_on_the_quick_statements_only(framework: Framework) -> None:
    quick = {item.id: 3 for _, item in framework.items() if item.quick}
    previous = make_assessment(quick, when=WHEN, assessment_id="a", quick=True)
    full = {item.id: 4 for _, item in framework.items()}
    full.update({"realistic-1": 2, "realistic-2": 5, "realistic-3": 1})  # 3 is reversed: 5
    current = make_assessment(full, when=WHEN + timedelta(days=30), assessment_id="b")
    comparison = build_report(framework, current, previous).comparison
    assert comparison is not None
    realistic = next(c for c in comparison.changes if c.id == "realistic")
    # Full score would be (2 + 5 + 5) / 3 = 4.00; on the quick statement alone it is 2.
    assert (realistic.before, realistic.after, realistic.change) == (3, 2, -1)
    assert comparison.overall_before == 3
    assert comparison.overall_after == pytest.approx((2 + 4 * 10) / 11)
    assert comparison.basis == (
        "One of the two was a quick check (the one before), so both are compared on the "
        "11 quick-check statements only."
    )


def test_the_caveat_is_in_every_report_format(framework: Framework) -> None:
    save_assessment(make_assessment({"role-1": 3}, assessment_id="a", quick=True))
    full = make_assessment(when=WHEN + timedelta(days=1), assessment_id="b")
    save_assessment(full)
    for fmt in ("terminal", "md", "html", "json"):
        result = runner.invoke(app, ["report", "b", "--format", fmt])
        assert result.exit_code == 0, result.stderr
        assert "compared on the 11 quick-check statements only" in " ".join(result.stdout.split())


# 4. a draft that cannot be read is kept, not destroyed ---------------------------------


def test_truncated_draft_is_moved_aside_with_its_bytes_and_the_run_starts_fresh(
    private_home: Path,
) -> None:
    drafts = private_home / "drafts"
    drafts.mkdir(parents=True)
    broken = (DATA / "draft.truncated.json").read_bytes()
    (drafts / "good-partners.json").write_bytes(broken)
    result = runner.invoke(app, ["assess"], input="4\nq\n")
    assert result.exit_code == 0
    [kept] = drafts.glob("good-partners.unreadable-*.json")
    assert kept.read_bytes() == broken
    assert result.stderr.startswith(
        "Warning: your unfinished assessment could not be read (not a saved assessment "
    )
    assert f"It is kept as {kept}, and this starts a new one." in result.stderr


def test_truncated_prep_draft_is_moved_aside_too(private_home: Path) -> None:
    drafts = private_home / "drafts" / "prep"
    drafts.mkdir(parents=True)
    (drafts / "good-partners.json").write_bytes(b'{"id": "dr')
    result = runner.invoke(app, ["prep"], input="")
    [kept] = drafts.glob("good-partners.unreadable-*.json")
    assert kept.read_bytes() == b'{"id": "dr'
    assert "Warning: your unfinished meeting prep could not be read" in result.stderr


# 5. unreadable history is listed, never silently skipped -------------------------------


def test_an_emptied_result_is_listed_as_unreadable_with_its_path(private_home: Path) -> None:
    save_assessment(make_assessment(assessment_id="20261101-090000"))
    empty = private_home / "assessments" / "20261102-090000.json"
    empty.write_bytes((DATA / "history.emptied.json").read_bytes())
    result = runner.invoke(app, ["history", "list"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        f"20261102-090000  unreadable: {empty} (the file is empty, so it cannot be read)"
    )
    assert "delete it with: goodpartners history delete ID" in result.stderr


def test_compare_says_which_result_it_left_out(private_home: Path) -> None:
    save_assessment(make_assessment(assessment_id="a", when=WHEN))
    save_assessment(make_assessment(assessment_id="b", when=WHEN + timedelta(days=1)))
    broken = private_home / "assessments" / "c.json"
    broken.write_text('{"id": "c", "answers": {')
    result = runner.invoke(app, ["history", "compare"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Warning: left out {broken}, which cannot be read (")


def test_export_says_which_result_it_left_out(private_home: Path) -> None:
    (private_home / "assessments").mkdir(parents=True)
    broken = private_home / "assessments" / "c.json"
    broken.write_bytes(b"\xff\xfe\x00")
    result = runner.invoke(app, ["history", "export"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"Warning: left out {broken}, which cannot be read "
        "(not UTF-8 text (byte 1), so it cannot be read)\n"
    )


# 6. saves at the same moment never overwrite each other --------------------------------


def test_thirty_saves_in_the_same_second_keep_thirty_files(private_home: Path) -> None:
    records = [make_assessment(assessment_id="x", name=f"person {n}") for n in range(30)]
    saved: list[str] = []
    barrier = threading.Barrier(30)

    def save(record: object) -> None:
        barrier.wait()
        saved.append(save_new(record, WHEN).id)  # type: ignore[type-var]

    threads = [threading.Thread(target=save, args=(r,)) for r in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    files = sorted((private_home / "assessments").glob("*.json"))
    assert len(set(saved)) == 30 and len(files) == 30
    names = {json.loads(p.read_text())["name"] for p in files}
    assert names == {f"person {n}" for n in range(30)}
    assert {p.stem for p in files} == set(saved)
    assert not list((private_home / "assessments").glob(".saving-*"))


def test_twelve_assess_processes_at_once_all_keep_their_result(
    tmp_path: Path, private_home: Path
) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("role-1: 4\nrole-2: 3\n")
    environment = {**os.environ, "GOODPARTNERS_HOME": str(private_home)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "goodpartners", "assess", "--answers", str(answers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=environment,
        )
        for _ in range(12)
    ]
    said = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert all(p.returncode == 0 for p in processes), said
    ids = {line.split()[2].rstrip(".") for text in said for line in text.splitlines()
           if line.startswith("Saved as ")}  # fmt: skip
    files = {p.stem for p in (private_home / "assessments").glob("*.json")}
    assert len(ids) == 12 and files == ids


# 7. q before any answer keeps no empty draft ---------------------------------------------


def test_q_at_the_first_statement_keeps_no_draft(private_home: Path) -> None:
    result = runner.invoke(app, ["assess"], input="q\n")
    assert result.exit_code == 0
    assert result.stderr.endswith(
        "Nothing was saved, as nothing was answered yet.\nTo start, run: goodpartners assess\n"
    )
    assert not (private_home / "drafts" / "good-partners.json").exists()
    again = runner.invoke(app, ["assess"], input="q\n")
    assert "You have an unfinished assessment" not in again.stderr


# 8. a dumb terminal gets plain text; prompts wrap between words --------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_term_dumb_report_has_no_escape_codes(private_home: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    save_assessment(make_assessment(assessment_id="a"))
    env = {**os.environ, "GOODPARTNERS_HOME": str(private_home), "TERM": "dumb"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable, ["-m", "goodpartners", "report", "a"], env=env, timeout=30
    )
    text = child.read()
    child.close()
    assert child.exitstatus == 0
    assert b"Saying what my role is" in text
    assert b"\x1b" not in text


def test_note_prompt_wraps_between_words_at_80_columns() -> None:
    out = io.StringIO()
    stream = StreamIO(io.StringIO("\n"), out, echo=False)
    stream.width = 79
    stream.ask(
        "Optional: an example from your own practice for 'Respecting other people's skills' "
        "(type it, or press Enter to skip): "
    )
    lines = out.getvalue().split("\n")
    assert all(len(line) <= 79 for line in lines)
    assert lines[-1].endswith("skip): ")
    words = " ".join(lines).split()
    assert "(type" in words and "Enter" in words  # no word is broken across lines


# Found while trying the above: --output could replace the file being read ---------------


def test_output_that_is_the_answers_file_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("role-1: 4\n")
    result = runner.invoke(
        app, ["assess", "--answers", str(answers), "--format", "json", "-o", str(answers)]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {answers}: this is the file being read, so writing there would replace it; "
        "give --output another file name\n"
    )
    assert answers.read_text() == "role-1: 4\n"


def test_report_output_cannot_replace_a_saved_result(private_home: Path) -> None:
    path = save_assessment(make_assessment(assessment_id="a"))
    before = path.read_bytes()
    result = runner.invoke(app, ["report", "a", "--format", "json", "-o", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: this is inside the folder of your saved results "
        f"({private_home / 'assessments'}); write reports and exports somewhere else\n"
    )
    assert path.read_bytes() == before


def test_q_at_the_first_prep_question_keeps_no_draft(private_home: Path) -> None:
    result = runner.invoke(app, ["prep"], input="q\n")
    assert result.exit_code == 0
    assert result.stderr.endswith(
        "Nothing was saved, as nothing was answered yet.\nTo start, run: goodpartners prep\n"
    )
    assert not (private_home / "drafts" / "prep" / "good-partners.json").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_second_assess_while_one_is_answering_is_refused_and_loses_nothing(
    private_home: Path,
) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "GOODPARTNERS_HOME": str(private_home), "NO_COLOR": "1"}
    first = pexpect.spawn(
        sys.executable, ["-m", "goodpartners", "assess"], env=env, encoding="utf-8", timeout=30
    )
    first.expect("1 of 33")
    first.expect(r"or q\): ")
    first.sendline("4")
    first.expect("2 of 33")
    second = run_module("assess", stdin=b"5\n5\n", home=private_home)
    draft = private_home / "drafts" / "good-partners.json"
    assert second.returncode == 1
    assert second.stderr.decode() == (
        f"Error: another 'goodpartners assess' is running and saving its answers in {draft}; "
        "finish it, or type q there to save and stop, then run this again\n"
    )
    first.expect(r"or q\): ")
    first.sendline("q")
    first.expect(pexpect.EOF)
    first.close()
    assert json.loads(draft.read_text())["answers"] == {"role-1": 4}


@pytest.mark.skipif(sys.platform == "win32", reason="closing a child's stdin is POSIX")
@pytest.mark.parametrize("command", ["assess", "prep"])
def test_a_closed_stdin_reads_as_an_input_that_ended_not_a_traceback(
    command: str, tmp_path: Path
) -> None:
    # Started with `<&-`, Python has no sys.stdin at all.
    result = subprocess.run(
        [sys.executable, "-m", "goodpartners", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={**os.environ, "GOODPARTNERS_HOME": str(tmp_path)},
        timeout=60,
        check=False,
        preexec_fn=lambda: os.close(0),  # noqa: PLW1509 - only closes the child's stdin
    )
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1].startswith(
        "Error: the input ended before the "
        + ("questionnaire" if command == "assess" else "meeting prep")
        + " was finished. Nothing was saved yet."
    )
