"""`goodpartners batch` against a hostile user: its --out folder, its inputs and its file names.

Issue 8, items 11, 12, 14, 19 and 20: the results never replace an input, a folder of
results always holds one run's results as a set, a broken cache never breaks a run,
every personal report has a name that Windows, macOS and Linux accept, and a full disk
names the file that could not be written.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from goodpartners.cli import app
from goodpartners.frameworks import load_framework
from goodpartners.models import Assessment, Framework
from goodpartners.personal.report import build_report
from goodpartners.render import html
from goodpartners.render.html import make_environment, render_html
from goodpartners.team.batch import report_file_name
from tests.cli_helpers import read_csv

DATA = Path(__file__).parent / "data"
EXPORTS = DATA / "exports"
ROOT = Path(__file__).parent.parent
KOBO = EXPORTS / "kobo.csv"
GOOGLE = EXPORTS / "google-forms.csv"
BAD_CELLS = EXPORTS / "responses.bad-cells.csv"
PEOPLE = json.loads((EXPORTS / "people.json").read_text(encoding="utf-8"))
KOBO_IDS = sorted(p["staff_id"] for p in PEOPLE)
MANIFEST = ".goodpartners-files"
RESULTS = ["problems.csv", "scores.csv", "summary.html", "summary.json", "summary.md"]
POSIX = os.name == "posix"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        app, [str(a) for a in args], prog_name="goodpartners", env={"COLUMNS": "80", **(env or {})}
    )


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "goodpartners", "batch", *map(str, args)]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, hidden ones too, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def big_export(path: Path, rows: int) -> Path:
    """An export big enough that its scores.csv passes a small file-size limit."""
    ids = [item.id for _, item in load_framework("good-partners").items()]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["respondent", *ids])
        for n in range(rows):
            writer.writerow([f"person-{n}@example.org", *[str(1 + (n + k) % 5) for k in range(33)]])
    return path


def assert_one_set(out: Path) -> None:
    """The folder holds one run's results: its scores, its people reports and its manifest agree."""
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    respondents = sorted(row["respondent"] for row in read_csv(out / "scores.csv"))
    people = sorted(p.name for p in (out / "people").iterdir())
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == [f"people/{name}" for name in people]
    if data["anonymised"]:
        assert data["source"] == GOOGLE.name
        assert people == sorted(f"{r}.md" for r in respondents)
    else:
        assert data["source"] == KOBO.name
        assert people == [f"{r}.html" for r in KOBO_IDS] == sorted(f"{r}.html" for r in respondents)
    assert not [p for p in out.iterdir() if p.name.startswith(".goodpartners-run")]


# ----------------------------------------------------------------------------- 11: inputs


@pytest.mark.parametrize("name", RESULTS)
def test_batch_refuses_an_input_that_the_results_would_replace(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    responses = out / name
    shutil.copyfile(KOBO, responses)
    result = run("batch", responses, "--out", out)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {responses}: the results would be written over this responses file; "
        "choose another folder with --out\n"
    )
    assert responses.read_bytes() == KOBO.read_bytes()
    assert names(out) == [name]


def test_batch_refuses_an_input_the_results_reach_through_another_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    responses = tmp_path / "responses.csv"
    shutil.copyfile(KOBO, responses)
    os.link(responses, out / "scores.csv")  # a hard link: one file, two names
    result = run("batch", responses, "--out", out)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {responses}: the results would be written over this responses file, which is "
        f"also {out / 'scores.csv'}; choose another folder with --out\n"
    )
    assert responses.read_bytes() == KOBO.read_bytes()


@pytest.mark.skipif(not POSIX, reason="symbolic links need privileges on Windows")
def test_batch_refuses_an_out_folder_that_is_a_link_to_the_inputs_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(KOBO, data / "summary.json")
    (tmp_path / "out").symlink_to(data)
    result = run("batch", data / "summary.json", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {data / 'summary.json'}: the results would be written over this responses "
        f"file, which is also {tmp_path / 'out' / 'summary.json'}; choose another folder "
        "with --out\n"
    )


def test_batch_refuses_a_baseline_that_the_results_would_replace(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    baseline = out / "problems.csv"
    shutil.copyfile(KOBO, baseline)
    result = run("batch", KOBO, "--out", out, "--baseline", baseline)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --baseline {baseline}: the results would be written over this baseline file; "
        "choose another folder with --out\n"
    )
    assert baseline.read_bytes() == KOBO.read_bytes()


def test_batch_refuses_an_input_in_the_people_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "people").mkdir(parents=True)
    responses = out / "people" / "round2.csv"
    shutil.copyfile(KOBO, responses)
    result = run("batch", responses, "--out", out, "--reports", "md")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {responses}: this responses file is in {out / 'people'}, where the personal "
        "reports go; move it, or choose another folder with --out\n"
    )
    assert names(out / "people") == ["round2.csv"]


def test_batch_input_beside_the_results_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    responses = out / "responses.csv"
    shutil.copyfile(KOBO, responses)
    for _ in range(2):
        assert run("batch", responses, "--out", out).exit_code == 0
    assert responses.read_bytes() == KOBO.read_bytes()
    assert names(out) == sorted([*RESULTS, "responses.csv"])


# ----------------------------------------------------------------------------- 12: one set


def test_batch_anonymised_run_removes_the_named_reports_of_the_run_before(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", GOOGLE, "--out", out, "--reports", "html").exit_code == 0
    (out / "my-notes.txt").write_text("mine")
    (out / "people" / "read-me.txt").write_text("mine too")
    result = run("batch", GOOGLE, "--out", out, "--anonymise", "--reports", "md")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"Warning: {out / 'people'} holds 1 file that this run did not write (read-me.txt); "
        "it was left in place, so delete it if it is from an earlier run"
    )
    secrets = [p["email"] for p in PEOPLE] + [p["name"] for p in PEOPLE]
    for path in out.rglob("*"):
        if path.is_file() and path.name not in ("my-notes.txt", "read-me.txt"):
            text = path.read_text(encoding="utf-8-sig")
            assert not [s for s in secrets if s in text], path
    reports = [p for p in names(out / "people") if p != "read-me.txt"]
    assert len(reports) == len(PEOPLE)
    assert all(re.fullmatch(r"p-[0-9a-f]{16}\.md", name) for name in reports)
    assert (out / "my-notes.txt").read_text() == "mine"
    assert (out / "people" / "read-me.txt").read_text() == "mine too"


def test_batch_run_without_reports_removes_the_reports_of_the_run_before(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", KOBO, "--out", out, "--reports", "md").exit_code == 0
    assert names(out / "people") == [f"{i}.md" for i in KOBO_IDS]
    result = run("batch", KOBO, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert names(out) == RESULTS
    assert "Warning" not in result.stderr


def test_batch_strict_refusal_leaves_only_its_problems(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", GOOGLE, "--out", out, "--reports", "html").exit_code == 0
    (out / "my-notes.txt").write_text("mine")
    result = run("batch", BAD_CELLS, "--out", out, "--strict")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 3 problems in the data; the first is on line 3, column 'role-1', value "
        "'Oftne': not an answer on the scale; use 1 to 5, or one of Never, Rarely, Sometimes, "
        "Often, Always, or leave it blank. Nothing was scored because of --strict; all "
        f"problems are listed in {out / 'problems.csv'}\n"
    )
    assert names(out) == ["my-notes.txt", "problems.csv"]
    assert len(read_csv(out / "problems.csv")) == 3


def test_batch_refused_strict_run_with_reports_leaves_no_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", BAD_CELLS, "--out", out, "--strict", "--reports", "md")
    assert result.exit_code == 1
    assert names(out) == ["problems.csv"]


def limit_file_size(size: int) -> Callable[[], None]:
    """In the child: files may grow to `size` bytes, and a write past that raises EFBIG."""

    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


needs_rlimit = pytest.mark.skipif(
    not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE and SIGXFSZ"
)


# The files a run has finished, or is still writing, when it writes each one.
WRITTEN_BEFORE = {
    "scores.csv": ["problems.csv"],
    "summary.html": ["problems.csv", "scores.csv", "summary.json", "summary.md"],
}


@needs_rlimit
@pytest.mark.parametrize(
    ("rows", "failing"),
    [
        (400, "scores.csv"),  # the disk fills while the rows stream out
        (None, "summary.html"),  # it fills after scores.csv and the other summaries
    ],
)
def test_batch_full_disk_half_way_leaves_the_earlier_set(
    tmp_path: Path, rows: int | None, failing: str
) -> None:
    responses = big_export(tmp_path / "big.csv", rows) if rows else KOBO
    reference = tmp_path / "reference"
    assert run("batch", responses, "--out", reference).exit_code == 0
    size = {name: (reference / name).stat().st_size for name in RESULTS}
    floor = max(size[name] for name in WRITTEN_BEFORE[failing])
    assert floor < size[failing]
    limit = (floor + size[failing]) // 2  # room for every file before, not for this one
    out = tmp_path / "out"
    assert run("batch", GOOGLE, "--out", out, "--reports", "html").exit_code == 0
    before = snapshot(out)
    result = subprocess.run(
        command(responses, "--out", out),
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size(limit),
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {out / failing}: cannot write the file (File too large), so nothing in {out} "
        "was changed; free some space, or choose another folder with --out\n"
    )
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".goodpartners-run")]


@needs_rlimit
def test_batch_full_disk_in_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "new"
    result = subprocess.run(
        command(KOBO, "--out", out, "--reports", "html"),
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size(10_000),
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {out / 'people' / 'S1001.html'}: cannot write the file (File too large), so "
        f"nothing in {out} was changed; free some space, or choose another folder with --out\n"
    )
    assert not out.exists()


def refuse_writes_in(
    folder: Path, monkeypatch: pytest.MonkeyPatch, code: int = errno.EROFS
) -> None:
    """Make a folder act as read-only, whatever the user: nothing can be made inside it."""
    inside = str(folder) + os.sep
    real_mkdir, real_open = os.mkdir, os.open

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if os.fspath(path).startswith(inside):
            raise OSError(code, os.strerror(code), os.fspath(path))
        real_mkdir(path, *args, **kwargs)

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT and os.fspath(path).startswith(inside):
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "open", open_)


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")],
)
def test_batch_read_only_folder_says_so_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    out = tmp_path / "out"
    assert run("batch", KOBO, "--out", out).exit_code == 0
    before = snapshot(out)
    refuse_writes_in(out, monkeypatch, code)
    result = run("batch", GOOGLE, "--out", out, "--reports", "md")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: cannot write in this folder ({reason}); check that you can write "
        "there, or choose another folder with --out\n"
    )
    assert snapshot(out) == before


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="needs a user that permissions bind")
def test_batch_folder_without_write_permission(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", KOBO, "--out", out).exit_code == 0
    before = snapshot(out)
    out.chmod(0o500)
    try:
        result = run("batch", GOOGLE, "--out", out)
    finally:
        out.chmod(0o700)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: cannot write in this folder (Permission denied); check that you can "
        "write there, or choose another folder with --out\n"
    )
    assert snapshot(out) == before


@pytest.mark.skipif(not POSIX, reason="runs two processes with POSIX file locks")
def test_batch_two_runs_at_once_leave_one_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    named = command(KOBO, "--out", out, "--reports", "html")
    anonymised = command(GOOGLE, "--out", out, "--anonymise", "--reports", "md")
    for first, second in [(named, anonymised), (anonymised, named), (named, anonymised)]:
        runs = [subprocess.Popen(c, stderr=subprocess.PIPE, text=True) for c in (first, second)]
        for process in runs:
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr
        assert_one_set(out)


@pytest.mark.skipif(not POSIX, reason="POSIX file locks")
def test_batch_waits_for_another_run_to_finish_putting_its_set_in_place(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    assert run("batch", KOBO, "--out", out, "--reports", "html").exit_code == 0
    before = snapshot(out)
    lock = os.open(out, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as a run does while it swaps its files in
    try:
        process = subprocess.Popen(
            command(GOOGLE, "--out", out, "--anonymise", "--reports", "md"),
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not list(out.glob(".goodpartners-run*/summary.html")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        assert process.poll() is None
        now = snapshot(out)
        assert {k: v for k, v in now.items() if not k.startswith(".goodpartners-run")} == before
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert_one_set(out)


@pytest.mark.skipif(not POSIX, reason="POSIX file locks tell a live run from a dead one")
def test_batch_clears_the_staging_folder_a_killed_run_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = out / ".goodpartners-run-killed" / "people"
    stale.mkdir(parents=True)
    (stale / "ann@example.org.html").write_text("a named report")
    an_hour_ago = time.time() - 3600
    for path in (stale, stale.parent):
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert run("batch", KOBO, "--out", out).exit_code == 0
    assert names(out) == RESULTS


def test_batch_refuses_a_folder_where_a_result_file_goes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "summary.html").mkdir(parents=True)
    (out / "summary.html" / "mine.txt").write_text("mine")
    result = run("batch", KOBO, "--out", out)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --out {out}: {out / 'summary.html'} is a folder, but the results need a file "
        "of that name; move the folder, or choose another folder with --out\n"
    )
    assert snapshot(out) == {"summary.html/mine.txt": b"mine"}


def test_batch_refuses_a_file_where_the_people_folder_goes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "people").write_text("mine")
    result = run("batch", KOBO, "--out", out, "--reports", "html")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --out {out}: {out / 'people'} is a file, but the personal reports go in a "
        "folder of that name; move the file, or choose another folder with --out\n"
    )
    assert run("batch", KOBO, "--out", out).exit_code == 0  # without reports it is in no way
    assert (out / "people").read_text() == "mine"


def refuse_moves(monkeypatch: pytest.MonkeyPatch, blocked: Path, side: int) -> None:
    """Moving a file from (side 0) or to (side 1) `blocked` fails once, as with a file held open."""
    failed: list[Path] = []
    for name in ("rename", "replace"):
        real = getattr(os, name)

        def move(src: Any, dst: Any, *args: Any, real: Any = real, **kwargs: Any) -> None:
            if Path((src, dst)[side]) == blocked and not failed:
                failed.append(blocked)
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(src))
            real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, move)


@pytest.mark.parametrize(
    ("name", "side", "message"),
    [
        (
            "summary.md",
            0,
            "{path}: cannot move the earlier run's file out of the way (Permission denied), so "
            "nothing in {out} was changed; close it if another program has it open, or choose "
            "another folder with --out",
        ),
        (
            "summary.html",
            1,
            "{path}: cannot put the new file in place (Permission denied), so nothing in {out} "
            "was changed; check that you can write there, or choose another folder with --out",
        ),
    ],
    ids=["earlier-file-held-open", "new-file-refused"],
)
def test_batch_swap_that_fails_half_way_puts_the_earlier_set_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, side: int, message: str
) -> None:
    out = tmp_path / "out"
    assert run("batch", KOBO, "--out", out, "--reports", "html").exit_code == 0
    before = snapshot(out)
    refuse_moves(monkeypatch, out / name, side)
    result = run("batch", GOOGLE, "--out", out, "--anonymise", "--reports", "md")
    assert result.exit_code == 1
    assert result.stderr == "Error: " + message.format(path=out / name, out=out) + "\n"
    assert snapshot(out) == before
    assert names(out) == sorted([".goodpartners-files", "people", *RESULTS])


# ----------------------------------------------------------------------------- 14: the cache


def test_batch_cache_home_that_is_a_file_runs_without_a_cache(tmp_path: Path) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder")
    fine = run("batch", KOBO, "--out", tmp_path / "fine", "--reports", "html")
    assert fine.exit_code == 0
    result = run(
        "batch", KOBO, "--out", tmp_path / "out", "--reports", "html",
        env={"GOODPARTNERS_HOME": str(home)},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == fine.stderr.replace(str(tmp_path / "fine"), str(tmp_path / "out"))
    for name in ("summary.html", "people/S1001.html"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "fine" / name).read_bytes()
    assert home.read_text() == "not a folder"


def test_batch_cache_with_rubbish_in_it_runs_without_a_cache(
    tmp_path: Path, private_home: Path
) -> None:
    assert run("batch", KOBO, "--out", tmp_path / "first").exit_code == 0
    cached = list((private_home / "cache" / "jinja").iterdir())
    assert cached
    for path in cached:
        path.write_bytes(b"j2rubbish" + os.urandom(64))
    result = run("batch", KOBO, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    first = (tmp_path / "first" / "summary.html").read_bytes()
    assert (tmp_path / "out" / "summary.html").read_bytes() == first


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_batch_cache_others_can_write_to_is_not_used(tmp_path: Path, private_home: Path) -> None:
    cache = private_home / "cache" / "jinja"
    cache.mkdir(parents=True)
    cache.chmod(0o777)  # anyone could plant compiled code here
    result = run("batch", KOBO, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert list(cache.iterdir()) == []


class _BrokenCache(jinja2.BytecodeCache):
    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    "cache",
    [_BrokenCache(), jinja2.FileSystemBytecodeCache(str(DATA / "framework.minimal.yaml"))],
    ids=["raises", "folder-is-a-file"],
)
def test_personal_html_report_runs_without_a_broken_cache(
    cache: jinja2.BytecodeCache,
    framework: Framework,
    fixed_assessment: Assessment,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = build_report(framework, fixed_assessment)
    plain = render_html(report)
    monkeypatch.setattr(html, "environment", lambda: make_environment(cache))
    assert render_html(report) == plain


# ----------------------------------------------------------------------------- 19: names

WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {
    f"{d}{n}" for d in ("com", "lpt") for n in range(10)
}
SAFE = re.compile(r"[A-Za-z0-9@_-][A-Za-z0-9@._-]*")


def assert_safe_everywhere(file_name: str) -> None:
    """A name Windows, macOS and Linux all accept, whichever case they fold to."""
    assert SAFE.fullmatch(file_name), file_name
    assert len(file_name) <= 100
    assert not file_name.endswith((".", " "))
    assert file_name.split(".")[0].lower() not in WINDOWS_DEVICES, file_name


def test_batch_people_named_like_windows_devices_get_names_windows_accepts(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "responses.windows-device-names.csv", "--out", out, "--reports", "md"
    )
    assert result.exit_code == 0, result.stderr
    assert names(out / "people") == sorted(
        [
            "CON_.md", "nul_.md", "Com1_.md", "LPT1_.md", "con_.txt.md", "Aux_.tar.gz.md",
            "prn_.md", "trailing_dot.md", "trailing_space.md", "COM9_.md.md", "lpt0_.md",
            "con_-2.md", "CONSOLE.md", "x" * 80 + ".md",
        ]
    )  # fmt: skip
    for path in (out / "people").iterdir():
        assert_safe_everywhere(path.name)


def test_report_file_name_keeps_the_old_safe_names() -> None:
    taken: set[str] = set()
    assert report_file_name("../../etc/passwd", taken) == "etc_passwd"
    assert report_file_name("Zoë O'Kafor", taken) == "Zo_O_Kafor"
    assert report_file_name("p-0123456789abcdef", taken) == "p-0123456789abcdef"
    assert report_file_name("a" * 79 + ".b", taken) == "a" * 79


respondents = st.lists(
    st.one_of(
        st.text(max_size=150),
        st.sampled_from(sorted(WINDOWS_DEVICES)).flatmap(
            lambda device: st.tuples(
                st.sampled_from([device, device.upper(), device.title()]),
                st.sampled_from(["", ".", " ", ".txt", ". ", ".tar.gz", "-", "_"]),
            ).map("".join)
        ),
        st.from_regex(r"[A-Za-z0-9@._ -]{1,120}", fullmatch=True),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(respondents, st.sampled_from(["md", "html"]))
def test_report_file_names_are_safe_everywhere_and_unique_in_any_case(
    people: list[str], suffix: str
) -> None:
    taken: set[str] = set()
    file_names = [f"{report_file_name(person, taken)}.{suffix}" for person in people]
    for file_name in file_names:
        assert_safe_everywhere(file_name)
    assert len({name.casefold() for name in file_names}) == len(people)


# ----------------------------------------------------------------------------- 20: full disk


def test_batch_full_disk_names_the_file_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems report a full disk only when the data is flushed to it."""

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    out = tmp_path / "out"
    result = run("batch", KOBO, "--out", out, "--reports", "md")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out / 'people' / 'S1001.md'}: cannot write the file (No space left on device), "
        f"so nothing in {out} was changed; free some space, or choose another folder with --out\n"
    )
    assert not out.exists()


def test_no_file_mode_surprises(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", KOBO, "--out", out, "--reports", "md").exit_code == 0
    assert run("batch", GOOGLE, "--out", out, "--anonymise", "--reports", "html").exit_code == 0
    if POSIX:
        for path in [out, *out.rglob("*")]:
            expected = 0o700 if path.is_dir() else 0o600
            assert stat.S_IMODE(path.stat().st_mode) == expected, path
