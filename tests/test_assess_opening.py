"""`goodpartners assess` on a framework in the cache of checked frameworks: the first
statement is drawn from the framework's plain view before pydantic's model machinery
loads (personal/opening.py), and the run is otherwise the same as without the cache."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from goodpartners import frameworks
from goodpartners.cli import app
from goodpartners.cli.common import TYPER_TESTED
from goodpartners.framework_cache import CachedFramework
from goodpartners.framework_view import FrameworkView, ScaleView, StatementView
from goodpartners.frameworks import load_framework
from goodpartners.personal import opening
from goodpartners.personal.lines import StreamIO
from goodpartners.personal.opening import introduction_text, open_new
from tests.test_cli_assess import ALL_FOURS, feed

DATA = Path(__file__).parent / "data"
runner = CliRunner()

# Loaded by the first pydantic model class, and by goodpartners' models.
MODEL_MACHINERY = (
    "annotated_types",
    "goodpartners.models",
    "pydantic._internal._model_construction",
    "pydantic.main",
    "pydantic.types",
)

FIRST_STATEMENT = """
import io, json, sys
machinery = {machinery!r}
first = {first!r}

class Screen(io.StringIO):
    seen = None

    def write(self, text):
        if first in text and Screen.seen is None:  # the first statement is being drawn
            Screen.seen = sorted(m for m in machinery if m in sys.modules)
        return super().write(text)

screen = Screen()
sys.stderr = screen
sys.stdin = io.StringIO("q\\n")
sys.argv = ['goodpartners', 'assess']
from goodpartners.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
print(json.dumps([Screen.seen, code, screen.getvalue()]), file=sys.__stdout__)
"""


@pytest.mark.parametrize("cache", ["cached", "first run"])
def test_the_first_statement_is_drawn_before_pydantic_models_load(cache: str) -> None:
    if cache == "cached" and not typer.__version__.startswith(TYPER_TESTED):  # pragma: no cover
        pytest.skip(
            f"typer {typer.__version__}: check that cli.common.check_only_given still "
            "applies to it, then add it to TYPER_TESTED"
        )
    framework = load_framework("good-partners", cached=cache == "cached")
    first = next(item for _, item in framework.items()).text
    code = FIRST_STATEMENT.format(machinery=MODEL_MACHINERY, first=first)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    seen, exit_code, screen = json.loads(result.stdout.splitlines()[-1])
    if cache == "cached":
        assert seen == []
    else:  # so the empty list means something: without the cache, the models come first
        assert seen == sorted(MODEL_MACHINERY)
    assert exit_code == 0  # q at the first statement: the run carries on after the models load
    assert screen.endswith(
        "Nothing was saved, as nothing was answered yet.\nTo start, run: goodpartners assess\n"
    )


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the runs whose first statement was drawn from the plain view."""
    seen: list[str] = []
    real = opening.open_new

    def counting(view: FrameworkView, *args: object, **kwargs: object) -> object:
        seen.append(view.id)
        return real(view, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(opening, "open_new", counting)
    return seen


def run_twice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], typed: str
) -> tuple[dict[str, object], dict[str, object]]:
    """The same run without the cache and then with it, each in a fresh data folder:
    what each showed, its exit code and the drafts and results it kept."""
    runs = []
    for name in ("without", "with"):
        home = tmp_path / name
        monkeypatch.setenv("GOODPARTNERS_HOME", str(home))
        result = runner.invoke(app, ["assess", *args], input=typed)
        kept = {
            str(p.relative_to(home)): _answers(p)
            for p in sorted(home.rglob("*.json"))
            if "cache" not in p.parts
        }
        runs.append(
            {
                "code": result.exit_code,
                "stderr": result.stderr.replace(str(home), "HOME"),
                "stdout": _without_times(result.stdout),
                "kept": kept,
            }
        )
    return runs[0], runs[1]


def _answers(path: Path) -> object:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: data.get(key) for key in ("answers", "notes", "skipped", "quick", "name")}


def _without_times(stdout: str) -> object:
    try:
        report = json.loads(stdout)
    except ValueError:
        return stdout
    return {key: value for key, value in report.items() if key in ("answers", "scores", "notes")}


SCRIPTS = {
    "answer then end of input": ([], feed(["4"])),
    "end of input at the first statement": ([], ""),
    "q at the first statement": ([], feed(["q"])),
    "typo, help, label, back and quit": ([], feed(["x", "?", "of", "b", "2", "q"])),
    "back at the first statement": (["--quick"], feed(["b", "3", "q"])),
    "resume with no draft": (["--resume", "--name", "A.B."], feed(["4", "q"])),
    "a word for does-not-apply": ([], feed(["does", "q"])),
    "a full run to a report": (["--format", "json", "--no-save"], feed(ALL_FOURS + [""])),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_run_on_a_cached_framework_is_the_same_as_without_the_cache(
    script: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, opened: list[str]
) -> None:
    args, typed = SCRIPTS[script]
    without, cached = run_twice(monkeypatch, tmp_path, args, typed)
    assert opened == ["good-partners"]  # only the second run drew from the plain view
    assert cached == without
    assert "1 of 33" in str(without["stderr"]) or "1 of 11" in str(without["stderr"])


def test_a_full_run_on_a_cached_framework_saves_the_same_answers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, opened: list[str]
) -> None:
    without, cached = run_twice(monkeypatch, tmp_path, [], feed(ALL_FOURS + [""]))
    assert opened == ["good-partners"]
    assert cached["code"] == without["code"] == 0
    [(name, kept)] = list(cached["kept"].items())  # type: ignore[attr-defined]
    assert name.startswith("assessments/")
    assert kept["answers"] == {key: 4 for key in kept["answers"]}  # type: ignore[index]
    assert list(without["kept"].values()) == [kept]  # type: ignore[attr-defined]


def test_a_draft_is_offered_as_before_and_not_drawn_from_the_plain_view(
    private_home: Path, opened: list[str]
) -> None:
    load_framework("good-partners", cached=True)
    first = runner.invoke(app, ["assess"], input=feed(["4", "q"]))
    assert first.exit_code == 0
    again = runner.invoke(app, ["assess"], input=feed(["", "q"]))
    assert again.exit_code == 0
    assert "You have an unfinished assessment from" in again.stderr
    assert "Carrying on from statement 2 of 33." in again.stderr
    assert opened == ["good-partners"]  # the first run only


def test_a_framework_broken_after_it_was_cached_gives_the_same_error(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    shutil.copyfile(DATA / "framework.minimal.yaml", mine)
    warm = runner.invoke(app, ["assess", "--framework", str(mine)], input=feed(["q"]))
    assert warm.exit_code == 0, warm.stderr
    broken = DATA / "framework.duplicate-id.yaml"
    expected = runner.invoke(app, ["assess", "--framework", str(broken)], input=feed(["q"]))
    shutil.copyfile(broken, mine)
    result = runner.invoke(app, ["assess", "--framework", str(mine)], input=feed(["q"]))
    assert expected.exit_code == result.exit_code == 1
    assert result.stderr == expected.stderr.replace(str(broken), str(mine))
    assert "1 of" not in result.stderr


def test_a_cached_model_that_cannot_be_loaded_means_checking_the_file(
    private_home: Path, monkeypatch: pytest.MonkeyPatch, opened: list[str]
) -> None:
    load_framework("good-partners", cached=True)
    [entry] = Path(os.environ["GOODPARTNERS_CACHE"]).glob("*.pickle")
    key, found = pickle.loads(entry.read_bytes())
    entry.write_bytes(pickle.dumps((key, CachedFramework(found.view, b"not a pickle"))))
    checks: list[str] = []
    real = frameworks.parse_framework
    monkeypatch.setattr(
        frameworks,
        "parse_framework",
        lambda raw, display: checks.append(display) or real(raw, display),
    )
    result = runner.invoke(app, ["assess"], input=feed(["4", "q"]))
    assert result.exit_code == 0, result.stderr
    assert opened == ["good-partners"]  # drawn from the view, then the file was checked
    assert len(checks) == 1
    draft = json.loads((private_home / "drafts" / "good-partners.json").read_text())
    assert draft["answers"] == {"role-1": 4}


VIEW = FrameworkView(
    id="tiny",
    title="Tiny",
    scale=ScaleView(1, 3, {1: "Low", 2: "Mid", 3: "High"}, None),
    statements=(StatementView("Listening", "I listen.", True),),
)


class Typing:
    """A terminal where the person types one line, or presses Ctrl-C, or ends the input."""

    def __init__(self, line: str | BaseException) -> None:
        self.line = line
        self.written: list[str] = []

    def readline(self) -> str:
        if isinstance(self.line, BaseException):
            raise self.line
        return self.line

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def io_for(line: str | BaseException) -> tuple[StreamIO, Typing]:
    terminal = Typing(line)
    return StreamIO(terminal, terminal), terminal  # type: ignore[arg-type]


SHOWN = [
    introduction_text("Tiny", 1, 1, False),
    "",
    "Listening - 1 of 1",
    "I listen.",
    "1 Low  2 Mid  3 High",
]
PROMPT = "Your answer (1-3, n, s, b, ? or q): "


@pytest.mark.parametrize(("typed", "handed_over"), [("2\n", "2"), ("", None)])
def test_the_opening_hands_over_what_was_typed_and_what_was_loaded(
    typed: str, handed_over: str | None
) -> None:
    io, terminal = io_for(typed)
    loaded, opened = open_new(VIEW, quick=False, io=io, load=lambda: "models")
    assert loaded == "models"
    expected, reference = io_for(typed)
    for text in SHOWN:
        expected.say(text)
    with contextlib.suppress(EOFError):
        expected.ask(PROMPT)
    assert terminal.written == reference.written
    before = len(terminal.written)
    for text in SHOWN:  # the questionnaire says the same again: nothing more is drawn
        opened.say(text)
    if handed_over is None:  # the input ended at the prompt
        with pytest.raises(EOFError):
            opened.ask(PROMPT)
    else:
        assert opened.ask(PROMPT) == handed_over
    assert len(terminal.written) == before
    opened.say("I listen.")  # after the opening, everything is shown
    assert terminal.written[before:] == ["I listen.\n"]


def test_the_opening_raises_what_the_loading_raised_after_the_answer() -> None:
    io, terminal = io_for("2\n")

    def broken() -> str:
        raise ValueError("the models could not load")

    with pytest.raises(ValueError, match="the models could not load"):
        open_new(VIEW, quick=False, io=io, load=broken)
    assert "Your answer (1-3, n, s, b, ? or q): " in terminal.written  # after the prompt


def test_ctrl_c_at_the_opening_waits_for_the_loading_then_stops() -> None:
    io, _ = io_for(KeyboardInterrupt())
    done = threading.Event()

    def slow() -> str:
        time.sleep(0.2)
        done.set()
        raise ValueError("not raised: the person stopped")

    with pytest.raises(KeyboardInterrupt):
        open_new(VIEW, quick=False, io=io, load=slow)
    assert done.is_set()


@contextlib.contextmanager
def ctrl_c_while_loading(presses: int = 1) -> Iterator[Callable[[Callable[[], object]], object]]:
    """A wrapper for the loading function that presses Ctrl-C while it runs, each time
    the main thread waits for it (the person has answered), and ends only after the
    main thread has been interrupted. POSIX only: the signal goes to the main thread."""
    main = threading.get_ident()
    interrupted = threading.Event()
    pressed: list[int] = []

    def on_ctrl_c(signum: int, frame: object) -> None:
        pressed.append(signum)
        interrupted.set()
        raise KeyboardInterrupt

    def loading(load: Callable[[], object]) -> object:
        for _ in range(presses):
            while not _waiting_for_the_loading(main):
                time.sleep(0.01)
            interrupted.clear()
            signal.pthread_kill(main, signal.SIGINT)
            interrupted.wait()
        return load()

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield loading
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(pressed) == presses


def _waiting_for_the_loading(ident: int) -> bool:
    """Whether that thread waits for the loading's result: the answer was typed."""
    frame = sys._current_frames().get(ident)
    while frame is not None:
        if frame.f_code.co_filename == opening.__file__ and frame.f_code.co_name == "result":
            return True
        frame = frame.f_back
    return False


posix_signals = pytest.mark.skipif(sys.platform == "win32", reason="pthread_kill is POSIX only")


@posix_signals
def test_ctrl_c_while_the_models_load_after_an_answer_hands_the_answer_over() -> None:
    # The answer was typed at a prompt the person saw: it is saved first (by the
    # questionnaire), then the run stops at the next prompt, as when the models
    # loaded before the first statement.
    io, terminal = io_for("2\n")
    with ctrl_c_while_loading() as loading:
        try:
            loaded, opened = open_new(
                VIEW, quick=False, io=io, load=lambda: loading(lambda: "models")
            )
        except KeyboardInterrupt:
            pytest.fail("Ctrl-C while the models loaded lost the answer typed at the prompt")
    assert loaded == "models"
    for text in SHOWN:
        opened.say(text)
    assert opened.ask(PROMPT) == "2"
    opened.say("Listening - 2 of 2")  # the next statement is drawn, and then it stops
    before = len(terminal.written)
    with pytest.raises(KeyboardInterrupt):
        opened.ask(PROMPT)
    assert len(terminal.written) == before  # no prompt that nobody will answer


@posix_signals
def test_ctrl_c_twice_while_the_models_load_stops_at_once() -> None:
    io, _ = io_for("2\n")
    release = threading.Event()

    def stuck() -> str:
        release.wait(timeout=30)  # models that take long to load
        return "models"

    try:
        with ctrl_c_while_loading(presses=2) as loading:
            with pytest.raises(KeyboardInterrupt):
                open_new(VIEW, quick=False, io=io, load=lambda: loading(stuck))
            assert not release.is_set()  # it stopped before the loading ended
    finally:
        release.set()


@posix_signals
def test_ctrl_c_while_the_models_load_after_the_first_answer_keeps_it(
    private_home: Path, monkeypatch: pytest.MonkeyPatch, opened: list[str]
) -> None:
    from goodpartners.cli import assess

    load_framework("good-partners", cached=True)
    real = assess._Framework.load
    with ctrl_c_while_loading() as loading:
        monkeypatch.setattr(assess._Framework, "load", lambda self: loading(lambda: real(self)))
        result = runner.invoke(app, ["assess"], input=feed(["4", "5"]))
    assert opened == ["good-partners"]
    assert result.exit_code == 130
    draft = private_home / "drafts" / "good-partners.json"
    assert result.stderr.endswith(
        f"\nStopped. Your answers so far are saved in {draft}. "
        "To carry on, run: goodpartners assess --resume\n"
    )
    assert "2 of 33" in result.stderr
    assert json.loads(draft.read_text())["answers"] == {"role-1": 4}
