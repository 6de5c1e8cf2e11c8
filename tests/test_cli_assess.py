"""`goodpartners assess`, `report` and `history`, driven through typer's CliRunner."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodpartners.cli import app
from goodpartners.cli.common import command_again
from goodpartners.models import Assessment
from goodpartners.personal.history import save_assessment
from tests.conftest import DATA, make_assessment

runner = CliRunner()


def feed(lines: list[str]) -> str:
    """Typed lines, each ended by Enter."""
    return "".join(line + "\n" for line in lines)


def per_competency(answers: list[str], notes: list[str] | None = None) -> list[str]:
    """Lines for a full run: three answers then a note line for each competency."""
    lines: list[str] = []
    for index in range(11):
        lines += answers[index * 3 : index * 3 + 3]
        lines.append(notes[index] if notes else "")
    return lines


ALL_FOURS = per_competency(["4"] * 33)


def saved(home: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted((home / "assessments").glob("*.json"))]


def test_assess_scripted_flow_with_back_skip_na_help_review_and_notes(private_home: Path) -> None:
    script = [
        "4",  # role-1
        "b",  # back from role-2 to role-1
        "5",  # role-1 changed to 5
        "?",  # help for role-2
        "of",  # role-2: Often, by the start of its label
        "s",  # role-3 skipped for now
        "My example at the housing panel",  # note for the role competency
        "n",  # offer-1 does not apply
        "2",  # offer-2
        "3",  # offer-3
        "",  # no note for offer
        *["3", "3", "3", ""] * 9,  # the other nine competencies, no notes
        "2",  # the skipped role-3, offered again at the end
        "6",  # review: change statement 6 (offer-3)
        "1",  # ... to 1
        "",  # finish
    ]
    result = runner.invoke(app, ["assess", "--name", "Sam", "--format", "json"], input=feed(script))
    assert result.exit_code == 0, result.stderr
    assert "Saying what my role is - 2 of 33" in result.stderr
    assert "Knowing my offer: I know what" not in result.stderr  # help was for role
    assert "What the bands mean:" in result.stderr
    assert "You skipped 1 statement. Here they are again." in result.stderr
    assert "Statement 6 is now: 1 Never." in result.stderr
    report = json.loads(result.stdout)
    assert report["answers"]["role-1"] == 5
    assert report["answers"]["role-2"] == 4
    assert report["answers"]["role-3"] == 2
    assert report["answers"]["offer-1"] == "n/a"
    assert report["answers"]["offer-3"] == 1
    # role: 5, 4, and 2 reversed to 4 -> 13 / 3
    assert report["competencies"]["role"]["score"] == pytest.approx(13 / 3)
    # offer: n/a, 2, and 1 reversed to 5 -> (2 + 5) / 2 = 3.5
    assert report["competencies"]["offer"]["score"] == pytest.approx(3.5)
    assert report["competencies"]["role"]["note"] == "My example at the housing panel"
    [record] = saved(private_home)
    assert record["name"] == "Sam"
    assert record["skipped"] == []
    assert not (private_home / "drafts" / "good-partners.json").exists()


def test_assess_quick_asks_one_statement_per_competency() -> None:
    script = ["4", ""] * 11 + [""]
    result = runner.invoke(app, ["assess", "--quick", "--format", "json"], input=feed(script))
    assert result.exit_code == 0, result.stderr
    assert "1 of 11" in result.stderr and "11 of 11" in result.stderr
    report = json.loads(result.stdout)
    assert report["assessment"]["quick"] is True
    assert sum(v is not None for v in report["answers"].values()) == 11


def test_assess_invalid_input_gets_a_hint_and_the_question_again() -> None:
    script = ["9", "x", "", "often", *ALL_FOURS[1:], ""]
    result = runner.invoke(app, ["assess", "--no-save", "--format", "json"], input=feed(script))
    assert result.exit_code == 0, result.stderr
    assert "9 is not on the scale; type a number from 1 to 5." in result.stderr
    assert "'x' is not an answer; type a number from 1 to 5, or ? for help." in result.stderr
    assert "Type a number from 1 to 5, or ? for help." in result.stderr
    report = json.loads(result.stdout)
    assert report["answers"]["role-1"] == 4
    assert all(value == 4 for value in report["answers"].values())


def test_piped_input_that_ends_early_leaves_a_resumable_draft(private_home: Path) -> None:
    result = runner.invoke(app, ["assess"], input="4\n5\n")
    draft = private_home / "drafts" / "good-partners.json"
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: the input ended before the questionnaire was finished. Your answers so far "
        f"are saved in {draft}. To carry on, run: goodpartners assess --resume\n"
    )
    assert json.loads(draft.read_text())["answers"] == {"role-1": 4, "role-2": 5}
    rest = ["4", "", *ALL_FOURS[4:], ""]
    resumed = runner.invoke(app, ["assess", "--resume", "--format", "json"], input=feed(rest))
    assert resumed.exit_code == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["answers"]["role-1"] == 4 and report["answers"]["role-2"] == 5
    assert report["answers"]["soft-skills-3"] == 4
    assert not draft.exists()


def test_assess_offers_to_resume_and_n_starts_again(private_home: Path) -> None:
    runner.invoke(app, ["assess"], input="2\n")
    result = runner.invoke(app, ["assess", "--format", "json"], input=feed(["n", *ALL_FOURS, ""]))
    assert result.exit_code == 0, result.stderr
    assert "You have an unfinished assessment from" in result.stderr
    assert "(1 of 33 answered)." in " ".join(result.stderr.split())
    report = json.loads(result.stdout)
    assert report["answers"]["role-1"] == 4


def test_q_saves_and_quits(private_home: Path) -> None:
    result = runner.invoke(app, ["assess"], input="3\nq\n")
    draft = private_home / "drafts" / "good-partners.json"
    assert result.exit_code == 0
    assert result.stderr.endswith(
        f"Saved your answers so far in {draft}.\nTo carry on, run: goodpartners assess --resume\n"
    )
    assert json.loads(draft.read_text())["answers"] == {"role-1": 3}


def test_resume_and_restart_together_is_a_usage_error() -> None:
    result = runner.invoke(app, ["assess", "--resume", "--restart"])
    assert result.exit_code == 2
    assert result.stderr == "Error: choose --resume or --restart, not both\n"


def test_assess_from_answers_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    lines = [f"{item}: 4" for item in ("role-1", "role-2")]
    answers.write_text(
        "\n".join(
            [
                "answers:",
                *("  " + line for line in lines),
                "  role-3: n/a",
                "notes:",
                "  role: A case conference last week",
            ]
        )
        + "\n"
    )
    result = runner.invoke(app, ["assess", "--answers", str(answers), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "Warning: " in result.stderr and "no answer for 30 items: offer-1," in result.stderr
    report = json.loads(result.stdout)
    assert report["answers"]["role-3"] == "n/a"
    assert report["competencies"]["role"]["score"] == 4.0
    assert report["competencies"]["offer"]["score"] is None
    assert report["competencies"]["role"]["note"] == "A case conference last week"


def test_assess_answers_file_reports_bad_answers_by_item_id(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"role-1": 7, "role-2": "often", "nope-1": 3, "offer-1": "maybe"})
    )
    result = runner.invoke(app, ["assess", "--answers", str(answers)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {answers}: 3 problems: role-1: 7 is not on the scale 1 to 5; "
        "nope-1: no item has this id; "
        "offer-1: 'maybe' is not an answer; use 1 to 5, a label or n/a\n"
    )


def test_saved_files_are_private(private_home: Path) -> None:
    result = runner.invoke(
        app,
        ["assess", "--output", str(private_home.parent / "r.html")],
        input=feed([*ALL_FOURS, ""]),
    )
    assert result.exit_code == 0, result.stderr
    if sys.platform != "win32":
        [path] = (private_home / "assessments").glob("*.json")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE((private_home.parent / "r.html").stat().st_mode) == 0o600
    assert (private_home.parent / "r.html").read_text().startswith("<!DOCTYPE html>")


def store(*assessments: Assessment) -> None:
    for assessment in assessments:
        save_assessment(assessment)


def test_history_list_show_and_path(
    private_home: Path, fixed_assessment: Assessment, earlier_assessment: Assessment
) -> None:
    empty = runner.invoke(app, ["history", "list"])
    assert empty.stdout == (
        "Nothing saved yet. Run 'goodpartners assess' or 'goodpartners prep' to make one.\n"
    )
    store(fixed_assessment, earlier_assessment)
    listed = runner.invoke(app, ["history", "list"])
    assert listed.stdout == (
        "20260804-093000  2026-08-04 09:30  good-partners (full) Sam Patel\n"
        "20261102-093000  2026-11-02 09:30  good-partners (full) Sam Patel\n"
    )
    shown = runner.invoke(app, ["history", "show", "20261102-093000"])
    assert shown.exit_code == 0
    assert "Since last time" in shown.stdout
    assert runner.invoke(app, ["history", "path"]).stdout == f"{private_home}\n"


def test_history_compare_defaults_to_last_two(
    fixed_assessment: Assessment, earlier_assessment: Assessment
) -> None:
    one = runner.invoke(app, ["history", "compare"])
    assert one.exit_code == 1
    store(fixed_assessment, earlier_assessment)
    result = runner.invoke(app, ["history", "compare"])
    assert result.exit_code == 0, result.stderr
    assert "Compared with 4 August 2026, 09:30 (20260804-093000)" in result.stdout
    assert "Saying what my role is" in result.stdout and "+0.3" in result.stdout
    explicit = runner.invoke(app, ["history", "compare", "20260804-093000", "20261102-093000"])
    assert explicit.stdout == result.stdout


def test_history_export(tmp_path: Path, fixed_assessment: Assessment) -> None:
    store(fixed_assessment)
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["history", "export", "--output", str(out)])
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert [a["id"] for a in data["assessments"]] == ["20261102-093000"]


def test_history_delete_asks_first(private_home: Path, fixed_assessment: Assessment) -> None:
    store(fixed_assessment)
    refused = runner.invoke(app, ["history", "delete", "20261102-093000"], input="n\n")
    assert refused.exit_code == 1
    assert "Nothing deleted." in refused.stderr
    no_input = runner.invoke(app, ["history", "delete", "20261102-093000"], input="")
    assert no_input.exit_code == 1
    assert (private_home / "assessments" / "20261102-093000.json").exists()
    done = runner.invoke(app, ["history", "delete", "20261102-093000"], input="y\n")
    assert done.exit_code == 0
    assert not (private_home / "assessments" / "20261102-093000.json").exists()
    missing = runner.invoke(app, ["history", "delete", "nope"])
    assert missing.exit_code == 1
    assert missing.stderr == (
        "Error: no saved assessment called 'nope'; run 'goodpartners history list' to see them\n"
    )


def test_history_delete_all_with_yes(private_home: Path, fixed_assessment: Assessment) -> None:
    store(fixed_assessment, make_assessment(assessment_id="20261103-093000"))
    result = runner.invoke(app, ["history", "delete", "--all", "--yes"])
    assert result.exit_code == 0
    assert result.stderr == "Deleted 2 files.\n"
    assert list((private_home / "assessments").glob("*.json")) == []


def test_report_command_formats_from_suffix(tmp_path: Path, fixed_assessment: Assessment) -> None:
    store(fixed_assessment)
    for suffix, start in ((".md", "# Personal development report"), (".json", "{")):
        out = tmp_path / f"r{suffix}"
        result = runner.invoke(app, ["report", "20261102-093000", "--output", str(out)])
        assert result.exit_code == 0, result.stderr
        assert out.read_text().startswith(start)


def test_unknown_output_ending_fails_before_any_question(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", "--output", str(tmp_path / "r.pdf")], input="4\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {tmp_path / 'r.pdf'}: cannot write '.pdf' files; end the name with .html "
        "(to print), .md, .json or .txt, or give --format\n"
    )


class _Terminal:
    """A stand-in for stdout on a terminal."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        return None


@pytest.mark.parametrize(
    ("fmt", "output", "term", "pages"),
    [
        (None, None, "xterm", True),
        ("terminal", None, "xterm", True),
        (None, "report.txt", "xterm", False),  # --output: never
        ("json", None, "xterm", False),  # another format: never
        ("md", None, "xterm", False),
        (None, None, "dumb", False),  # a dumb terminal: plain text, no pager
    ],
)
def test_the_report_is_paged_only_for_terminal_text_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, fmt: str | None, output: str | None, term: str, pages: bool
) -> None:
    from goodpartners.cli import assess
    from goodpartners.formats import ReportFormat

    monkeypatch.setattr(sys, "stdout", _Terminal())
    monkeypatch.setenv("TERM", term)
    chosen = ReportFormat(fmt) if fmt else None
    assert assess.paging(chosen, Path(output) if output else None) is pages


def test_paging_is_off_when_stdout_is_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    from goodpartners.cli import assess

    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stdout", __import__("io").StringIO())
    assert assess.paging(None, None) is False


def test_the_terminal_report_goes_to_the_pager_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pydoc

    from goodpartners.cli import assess
    from goodpartners.frameworks import load_framework
    from goodpartners.personal.report import build_report

    paged: list[str] = []
    monkeypatch.setattr(pydoc, "pager", paged.append)
    monkeypatch.setattr(sys, "stdout", _Terminal())
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("LESS", "")  # so the test puts back whatever was there
    monkeypatch.delenv("LESS")
    assess.show(build_report(load_framework(), make_assessment()), None, None)
    assert len(paged) == 1 and paged[0].startswith("Personal development report")
    assert "\x1b[" not in paged[0]  # NO_COLOR keeps it plain in the pager too
    assert __import__("os").environ["LESS"] == "FRX"


def test_piped_report_does_not_use_the_pager(
    private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pydoc

    called: list[str] = []
    monkeypatch.setattr(pydoc, "pager", called.append)
    save_assessment(make_assessment())
    result = runner.invoke(app, ["report", "20261102-093000"])
    assert result.exit_code == 0, result.stderr
    assert called == []
    assert result.stdout.startswith("Personal development report: Good Partners\n")


def test_stopping_a_questionnaire_on_another_framework_says_how_to_carry_on_with_it(
    private_home: Path, tmp_path: Path
) -> None:
    # A draft belongs to its framework: the command to carry on names the same file, so
    # following it does not open the default framework instead.
    folder = tmp_path / "my frameworks"
    folder.mkdir()
    path = folder / "team.yaml"
    path.write_bytes((DATA / "framework.minimal.yaml").read_bytes())
    stopped = runner.invoke(app, ["assess", "--framework", str(path)], input="3\nq\n")
    assert stopped.exit_code == 0, stopped.stderr
    assert stopped.stderr.endswith(
        f'To carry on, run: goodpartners assess --framework "{path}" --resume\n'
    )
    resumed = runner.invoke(
        app, ["assess", "--framework", str(path), "--resume", "--no-save", "--format", "json"]
    )
    assert resumed.stderr.startswith("Carrying on from statement 2 of 6.\n")


def test_the_command_to_carry_on_quotes_only_what_needs_it() -> None:
    assert command_again("goodpartners prep", None) == "goodpartners prep"
    assert command_again("goodpartners assess", "ops-v2", quick=True) == (
        "goodpartners assess --framework ops-v2 --quick"
    )
    assert command_again("goodpartners assess", "C:\\Users\\Sam\\team.yaml") == (
        "goodpartners assess --framework C:\\Users\\Sam\\team.yaml"
    )
    assert command_again("goodpartners assess", "my team.yaml") == (
        'goodpartners assess --framework "my team.yaml"'
    )


def test_stopping_a_meeting_prep_on_another_framework_names_it_too(
    private_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "team.yaml"
    path.write_bytes((DATA / "framework.minimal.yaml").read_bytes())
    result = runner.invoke(app, ["prep", "--framework", str(path)], input="")
    assert result.exit_code == 1
    assert result.stderr.endswith(f"To start, run: goodpartners prep --framework {path}\n")
