"""`goodpartners assess` as a real process in a pseudo-terminal: Ctrl-C, then resume."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")

PROMPT = r"Your answer \(1-5, n, s, b, \? or q\): "
NOTE = r"press Enter to skip\): "


def spawn(home: Path, *args: str, command: str = "assess") -> pexpect.spawn:
    env = {**os.environ, "GOODPARTNERS_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "80"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "goodpartners", command, *args],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 80),
    )


def test_ctrl_c_keeps_the_draft_and_the_next_run_offers_to_resume(private_home: Path) -> None:
    child = spawn(private_home, "--format", "json", "--output", str(private_home / "r.json"))
    child.expect("1 of 33")
    child.expect(PROMPT)
    child.sendline("4")
    child.expect("2 of 33")
    child.expect(PROMPT)
    child.sendline("2")
    child.expect("3 of 33")
    child.expect(PROMPT)
    child.sendintr()  # Ctrl-C at the third statement
    child.expect("Stopped. Your answers so far are saved in")
    child.expect("To carry on, run: goodpartners assess --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    draft = private_home / "drafts" / "good-partners.json"
    assert json.loads(draft.read_text())["answers"] == {"role-1": 4, "role-2": 2}

    again = spawn(private_home, "--format", "json", "--output", str(private_home / "r.json"))
    again.expect(r"You have an unfinished assessment from .* \(2 of 33")
    again.expect(r"\[Y/n\] ")
    again.sendline("")
    again.expect("3 of 33")  # carries on where it stopped
    for number in range(3, 34):
        again.expect(PROMPT)
        again.sendline("3")
        if number % 3 == 0:
            again.expect(NOTE)
            again.sendline("")
    again.expect("press Enter to finish: ")
    again.sendline("")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0
    report = json.loads((private_home / "r.json").read_text())
    assert report["answers"]["role-1"] == 4 and report["answers"]["role-2"] == 2
    assert report["answers"]["soft-skills-3"] == 3
    assert not draft.exists()


def test_closed_terminal_loses_no_answers(private_home: Path) -> None:
    import signal

    child = spawn(private_home)
    child.expect(PROMPT)
    child.sendline("5")
    child.expect("2 of 33")
    child.expect(PROMPT)
    child.kill(signal.SIGHUP)  # the terminal window is closed
    child.expect(pexpect.EOF)
    child.close()
    draft = private_home / "drafts" / "good-partners.json"
    assert json.loads(draft.read_text())["answers"] == {"role-1": 5}


def test_prep_ctrl_c_keeps_the_draft_and_resume_carries_on(private_home: Path) -> None:
    child = spawn(private_home, command="prep")
    child.expect("Meeting: ")
    child.sendline("Case review for J.S.")
    child.expect("Date: ")
    child.sendline("2026-11-12")
    child.expect(r"1\. ")
    child.sendline("Probation - probation officer")
    child.expect(r"2\. ")
    child.sendline("")
    child.expect("1 of 11")
    child.expect(PROMPT)
    child.sendline("4")
    child.expect("2 of 11")
    child.expect(PROMPT)
    child.sendintr()  # Ctrl-C in the quick check
    child.expect("Stopped. Your answers so far are saved in")
    child.expect("To carry on, run: goodpartners prep --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    draft = private_home / "drafts" / "prep" / "good-partners.json"
    saved = json.loads(draft.read_text())
    assert saved["meeting"] == "Case review for J.S."
    assert saved["check"]["answers"] == {"role-1": 4}

    card = str(private_home / "card.json")
    again = spawn(private_home, "--resume", "--output", card, command="prep")
    again.expect("Carrying on from where you stopped.")
    again.expect("2 of 11")
    again.sendintr()  # and once more, at once: still nothing lost
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 130
    assert json.loads(draft.read_text())["check"]["answers"] == {"role-1": 4}


def test_ctrl_c_at_the_first_statement_of_a_cached_framework(private_home: Path) -> None:
    # The first statement comes from the cache's plain view while the models load in
    # the background (personal/opening.py); Ctrl-C there stops as it always has.
    from goodpartners.frameworks import load_framework

    load_framework("good-partners", cached=True)
    child = spawn(private_home)
    child.expect("1 of 33")
    child.expect(PROMPT)
    child.sendintr()
    child.expect("Stopped. Nothing was saved yet.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert not (private_home / "drafts" / "good-partners.json").exists()

    again = spawn(private_home)
    again.expect("1 of 33")
    again.expect(PROMPT)
    again.sendline("x")  # a typo at the first statement, then an answer
    again.expect("'x' is not an answer; type a number from 1 to 5, or \\? for help.")
    again.expect(PROMPT)
    again.sendline("of")
    again.expect("of -> Often")
    again.expect("2 of 33")
    again.expect(PROMPT)
    again.sendintr()
    again.expect("Stopped. Your answers so far are saved in")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 130
    draft = private_home / "drafts" / "good-partners.json"
    assert json.loads(draft.read_text())["answers"] == {"role-1": 4}
