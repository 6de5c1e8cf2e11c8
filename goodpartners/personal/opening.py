"""The start of the questionnaire, which needs no models: the introduction, the first
statement and its prompt.

'assess' draws a new questionnaire's start from the framework's plain view
(framework_view.py) and loads the models while the person reads the first statement:
they take longer to load than the rest of the start. The questionnaire then carries on
through `Opened`, an IO that does not draw the start again and hands over the answer
already typed. It talks only through a QuestionIO, like the rest of the questionnaire.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from goodpartners.framework_view import FrameworkView, ScaleView
from goodpartners.personal.lines import KEYS_HELP, QuestionIO, scale_line

if TYPE_CHECKING:
    from goodpartners.models import Scale

Loaded = TypeVar("Loaded")

SECONDS_PER_ITEM = 12
WAIT_STEP = 0.05
"""Seconds between looks at whether the models have loaded, and at Ctrl-C."""


def minutes(item_count: int) -> int:
    """Roughly how many minutes it takes to read and answer this many items."""
    return max(1, round(item_count * SECONDS_PER_ITEM / 60))


def introduction_text(title: str, full: int, short: int, quick: bool) -> str:
    """What this is, how long it takes (full and short are the statements in the full
    version and the quick check), and where the answers go."""
    doing = "quick check" if quick else "full version"
    return "\n".join(
        [
            f"{title}: self-assessment",
            "",
            "This helps you think about how you work with other agencies, for example "
            "before a multi-agency meeting or supervision. There are no right or wrong "
            "answers. Answer for how you usually work, not how you would like to.",
            "",
            f"The full version has {full} statements and takes about {minutes(full)} minutes. "
            f"The quick check has {short} and takes about {minutes(short)} minutes. "
            f"You are doing the {doing}.",
            "",
            "Your answers stay on this computer. They are saved after every answer, "
            "so you can stop at any time and carry on later.",
            "",
            "For each statement, type a number (or the start of its label) and press Enter.",
            KEYS_HELP,
        ]
    )


def statement_lines(
    competency: str, number: int, total: int, text: str, scale: Scale | ScaleView
) -> list[str]:
    """The lines that show a statement: a gap, where it is, its text and the scale."""
    return ["", f"{competency} - {number} of {total}", text, scale_line(scale)]


def answer_prompt(scale: Scale | ScaleView) -> str:
    """The prompt for an answer to a statement."""
    return f"Your answer ({scale.min}-{scale.max}, n, s, b, ? or q): "


class Opened:
    """The IO a questionnaire carries on with after `open_new`: the text the opening drew
    is not drawn again, and its prompt returns the answer already typed there."""

    def __init__(
        self,
        io: QuestionIO,
        said: list[str],
        prompt: str,
        typed: str | None,
        stopped: bool = False,
    ) -> None:
        self.io = io
        self._said = said
        self._prompt: str | None = prompt
        self._typed = typed  # None: the input ended at the prompt
        self._stopped = stopped  # Ctrl-C after the answer: stop at the next prompt

    def say(self, text: str = "") -> None:
        """Show text, unless it is the next line the opening already showed."""
        if self._said and self._prompt is not None and text == self._said[0]:
            self._said.pop(0)
            return
        self._prompt = None  # not the opening's text: from here on, show everything
        self.io.say(text)

    def ask(self, prompt: str) -> str:
        """The answer typed at the opening's prompt, once; after that, ask as usual."""
        if not self._said and prompt == self._prompt:
            self._prompt = None
            if self._typed is None:
                raise EOFError
            return self._typed
        self._prompt = None
        if self._stopped:
            self._stopped = False
            raise KeyboardInterrupt
        return self.io.ask(prompt)


def open_new(
    view: FrameworkView,
    quick: bool,
    io: QuestionIO,
    load: Callable[[], Loaded],
) -> tuple[Loaded, Opened]:
    """Start a new questionnaire from the plain view: the introduction and the first
    statement, then wait for its answer while `load` runs in the background.

    Returns what `load` returned (its error is raised here, after the answer) and the
    IO for the questionnaire to carry on with. Ctrl-C at the prompt waits for `load`
    to end, then stops the run as before. Ctrl-C after the answer, while `load` still
    runs, stops the run at the next prompt: the answer was typed at a prompt the person
    saw, so it is saved first, as it was when the models loaded before the prompt.
    Ctrl-C pressed again while `load` runs stops the run at once."""
    shown = _Shown(io)
    asked = view.asked(quick)
    full, short = len(view.statements), len(view.asked(quick=True))
    shown.say(introduction_text(view.title, full, short, quick))
    for line in statement_lines(asked[0].competency, 1, len(asked), asked[0].text, view.scale):
        shown.say(line)
    prompt = answer_prompt(view.scale)
    loading = _Loading(load)
    typed: str | None
    try:
        typed = io.ask(prompt)
    except EOFError:
        typed = None  # the questionnaire says what that means, as it always does
    except BaseException:
        loading.wait()
        raise
    stopped = False
    while True:
        try:
            return loading.result(), Opened(io, shown.said, prompt, typed, stopped)
        except KeyboardInterrupt:
            if stopped:
                raise
            stopped = True


class _Shown:
    """A QuestionIO that keeps a list of the text it showed."""

    def __init__(self, io: QuestionIO) -> None:
        self.io = io
        self.said: list[str] = []

    def say(self, text: str = "") -> None:
        self.io.say(text)
        self.said.append(text)

    def ask(self, prompt: str) -> str:
        return self.io.ask(prompt)


class _Loading(Generic[Loaded]):
    """A function running in a thread of its own; its result or error, when wanted."""

    def __init__(self, load: Callable[[], Loaded]) -> None:
        self._load = load
        self._result: Loaded | None = None
        self._error: BaseException | None = None
        # An event, not Thread.join: a join cut short by Ctrl-C marks the thread as
        # ended while it still runs (Python 3.11), so the next join would not wait.
        self._ended = threading.Event()
        # A daemon: when Ctrl-C stops the run while it loads, the run ends at once,
        # rather than wait for it at exit, where Ctrl-C again would show a traceback.
        threading.Thread(target=self._run, name="goodpartners-loading", daemon=True).start()

    def _run(self) -> None:
        try:
            self._result = self._load()
        except BaseException as exc:  # raised again in the main thread, by result()
            self._error = exc
        finally:
            self._ended.set()

    def wait(self) -> None:
        """Wait until the function has ended.

        In short waits: Ctrl-C pressed just as a wait with no end begins would be seen
        only once the function ended, as Python runs a signal's handler between steps
        of Python code, and a wait with no end has none."""
        while not self._ended.wait(WAIT_STEP):
            pass

    def result(self) -> Loaded:
        """What the function returned; what it raised is raised here."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]
