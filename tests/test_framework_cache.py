"""The cache of checked frameworks (framework_cache.py): used only while the file and the
code are unchanged, private, never fatal, and never a way round a framework's checks."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodpartners import frameworks
from goodpartners.cli import app
from goodpartners.errors import FrameworkError
from goodpartners.frameworks import load_framework, load_framework_file
from goodpartners.models import Framework

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "framework.minimal.yaml"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def cache() -> Path:
    """The test's own cache folder (set by conftest.py)."""
    return Path(os.environ["GOODPARTNERS_CACHE"])


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the times a framework file is really parsed and checked."""
    seen: list[str] = []
    real = frameworks.parse_framework

    def counting(raw: bytes, display: str) -> Framework:
        seen.append(display)
        return real(raw, display)

    monkeypatch.setattr(frameworks, "parse_framework", counting)
    return seen


def copy(tmp_path: Path, source: Path = MINIMAL) -> Path:
    target = tmp_path / "mine.yaml"
    shutil.copyfile(source, target)
    return target


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.pickle")) if cache.is_dir() else []


def test_second_load_comes_from_the_cache_and_equals_the_checked_one(
    tmp_path: Path, cache: Path, checks: list[str]
) -> None:
    path = copy(tmp_path)
    first = load_framework_file(path, cached=True)
    second = load_framework_file(path, cached=True)
    assert checks == [str(path)]
    assert second == first == load_framework_file(path)
    assert second.model_dump() == first.model_dump()


@POSIX
def test_the_entry_is_private(tmp_path: Path, cache: Path) -> None:
    load_framework_file(copy(tmp_path), cached=True)
    [entry] = entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) & 0o077 == 0
    assert [p.name for p in cache.iterdir()] == [entry.name]  # no temp file left behind


def test_without_cached_nothing_is_written(tmp_path: Path, cache: Path) -> None:
    load_framework_file(copy(tmp_path))
    load_framework("good-partners")
    assert entries(cache) == []


def test_an_edited_file_is_checked_again_even_with_the_same_size_and_time(
    tmp_path: Path, checks: list[str]
) -> None:
    path = copy(tmp_path)
    before = path.stat()
    assert load_framework_file(path, cached=True).title == "Minimal"
    text = path.read_text(encoding="utf-8").replace("title: Minimal", "title: Maximal")
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert load_framework_file(path, cached=True).title == "Maximal"
    assert len(checks) == 2


def test_a_file_broken_after_it_was_cached_gives_the_usual_problems(tmp_path: Path) -> None:
    path = copy(tmp_path)
    load_framework_file(path, cached=True)
    shutil.copyfile(DATA / "framework.duplicate-id.yaml", path)
    with pytest.raises(FrameworkError) as cached:
        load_framework_file(path, cached=True)
    with pytest.raises(FrameworkError) as plain:
        load_framework_file(path)
    assert [str(p) for p in cached.value.problems] == [str(p) for p in plain.value.problems]


@pytest.mark.parametrize("name", ["framework.duplicate-id.yaml", "framework.several-problems.yaml"])
def test_a_framework_with_problems_is_never_cached(name: str, tmp_path: Path, cache: Path) -> None:
    path = copy(tmp_path, DATA / name)
    for _ in range(2):
        with pytest.raises(FrameworkError) as cached:
            load_framework_file(path, cached=True)
        with pytest.raises(FrameworkError) as plain:
            load_framework_file(path)
        assert [str(p) for p in cached.value.problems] == [str(p) for p in plain.value.problems]
    assert entries(cache) == []


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle", b"\x80\x05garbage", None],
    ids=["empty", "text", "cut-short", "another-version"],
)
def test_a_damaged_or_foreign_entry_is_ignored_and_made_again(
    damage: bytes | None, tmp_path: Path, cache: Path, checks: list[str]
) -> None:
    path = copy(tmp_path)
    expected = load_framework_file(path, cached=True)
    [entry] = entries(cache)
    if damage is None:  # a well-formed entry whose key does not match (another version)
        import pickle

        key, framework = pickle.loads(entry.read_bytes())
        entry.write_bytes(pickle.dumps((("another", *key[1:]), framework)))
    else:
        entry.write_bytes(damage)
    assert load_framework_file(path, cached=True) == expected
    assert len(checks) == 2
    assert load_framework_file(path, cached=True) == expected  # made again, and used
    assert len(checks) == 2


@POSIX
def test_an_entry_others_can_write_is_never_loaded(
    tmp_path: Path, cache: Path, checks: list[str]
) -> None:
    path = copy(tmp_path)
    load_framework_file(path, cached=True)
    [entry] = entries(cache)
    entry.chmod(0o666)
    load_framework_file(path, cached=True)
    assert len(checks) == 2


@POSIX
def test_a_folder_others_can_write_is_not_used(
    tmp_path: Path, cache: Path, checks: list[str]
) -> None:
    cache.chmod(0o777)
    path = copy(tmp_path)
    load_framework_file(path, cached=True)
    load_framework_file(path, cached=True)
    assert len(checks) == 2
    assert entries(cache) == []


def test_a_cache_that_cannot_be_made_never_stops_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checks: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("GOODPARTNERS_CACHE", str(blocker / "cache"))
    path = copy(tmp_path)
    assert load_framework_file(path, cached=True).title == "Minimal"
    assert load_framework_file(path, cached=True).title == "Minimal"
    assert len(checks) == 2


@POSIX
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write")
def test_a_read_only_cache_folder_never_stops_a_run(tmp_path: Path, cache: Path) -> None:
    path = copy(tmp_path)
    cache.chmod(0o500)
    try:
        assert load_framework_file(path, cached=True).title == "Minimal"
    finally:
        cache.chmod(0o700)
    assert entries(cache) == []


def test_batch_check_writes_no_cache(tmp_path: Path, cache: Path) -> None:
    responses = DATA / "exports" / "platform.qualtrics-codes.twin.csv"
    result = CliRunner().invoke(app, ["batch", str(responses), "--check"])
    assert result.exit_code == 0, result.stderr
    assert list(cache.iterdir()) == []


def test_assess_keeps_the_checked_framework(tmp_path: Path, cache: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  role-1: 4\n", encoding="utf-8")
    for _ in range(2):
        result = CliRunner().invoke(
            app, ["assess", "--answers", str(answers), "--no-save", "--format", "json"]
        )
        assert result.exit_code == 0, result.stderr
    assert len(entries(cache)) == 1
