"""Line-based input: the IO the questionnaire talks through, and what a typed line means.

Input is line-based (type a number or the start of a label, then Enter), so it works
with screen readers, on Windows consoles and with piped input.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

# No models: 'assess' draws its first statement with this before they load.
from goodpartners.framework_view import NOT_APPLICABLE, Answer, ScaleView

if TYPE_CHECKING:
    from goodpartners.models import Scale

KEYS_HELP = "Keys: b back, s skip for now, n does not apply, ? help, q save and quit."


class InputEnded(Exception):
    """The input ran out (end of a pipe, or Ctrl-D) before the questionnaire finished."""


class SaveAndQuit(Exception):
    """The user typed q: progress is saved and the questionnaire stops."""


class QuestionIO(Protocol):
    """What the questionnaire needs from a terminal: ask for a line, say some text."""

    def ask(self, prompt: str) -> str:
        """Show the prompt and return one line without its newline; raise EOFError at the end."""
        ...

    def say(self, text: str = "") -> None:
        """Show text followed by a newline."""
        ...


class StreamIO:
    """Line-based IO on text streams; echoes piped input so a transcript reads well.

    The command line gives it stderr to talk on, so stdout carries only the report.
    """

    def __init__(self, stdin: TextIO | None, stdout: TextIO, echo: bool | None = None) -> None:
        # Python gives no stdin at all when the tool is started with its input closed
        # (`<&-`): that reads as an input that has ended, as an empty file does.
        if stdin is None:
            stdin = io.StringIO()
        # Bytes that are not text in the input (a pasted symbol in another encoding)
        # become replacement marks, not a crash or a note that cannot be saved.
        reconfigure = getattr(stdin, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
        self.stdin = stdin
        self.stdout = stdout
        self.echo = (not _isatty(stdin)) if echo is None else echo
        width = shutil.get_terminal_size((80, 24)).columns
        self.width = max(40, min(width, 80)) - 1

    def ask(self, prompt: str) -> str:
        """Show the prompt, wrapped like other text, and read one line."""
        self.stdout.write(_wrap_prompt(prompt, self.width))
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            raise EOFError
        answer = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(answer + "\n")
        return answer

    def say(self, text: str = "") -> None:
        """Write wrapped text."""
        wrapped = [_wrap(line, self.width) for line in text.split("\n")]
        self.stdout.write("\n".join(wrapped) + "\n")
        self.stdout.flush()


def _wrap(line: str, width: int) -> str:
    """Wrap one line, indenting follow-on lines under the text of a list entry."""
    if not line.strip():
        return ""
    lead = _LIST_LEAD.match(line)
    indent = " " * (lead.end() if lead else 0)
    return textwrap.fill(line, width, subsequent_indent=indent)


def _wrap_prompt(prompt: str, width: int) -> str:
    """Wrap a prompt between words, keeping the space after it for the typed answer."""
    wrapped = textwrap.fill(prompt, width)
    return wrapped + " " if prompt.endswith(" ") else wrapped


_LIST_LEAD = re.compile(r"^\s*(?:\d+\. |- )?")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass(frozen=True)
class Command:
    """A key the user typed instead of an answer."""

    key: str  # "b", "s", "?", "q", or "" for Enter


@dataclass(frozen=True)
class Hint:
    """Input that was not understood, with a one-line hint."""

    text: str


def parse_answer(text: str, scale: Scale) -> Answer | Command | Hint:
    """Turn one typed line into an answer, a command key, or a hint."""
    typed = " ".join(text.strip().lower().split())
    if typed == "":
        return Command("")
    if typed in {"b", "s", "?", "q", "h"}:
        return Command("?" if typed == "h" else typed)
    if typed in {"n", "n/a", "na"}:
        if scale.not_applicable is None:
            return Hint("'Does not apply' is not an option here; choose a number.")
        return NOT_APPLICABLE
    points = f"{scale.min} to {scale.max}"
    digits = typed.removeprefix("-")
    if digits.isascii() and digits.isdigit():
        value = int(typed) if len(digits) <= 12 else None
        if value is not None and scale.min <= value <= scale.max:
            return value
        return Hint(f"{_short(typed)} is not on the scale; type a number from {points}.")
    choices: list[tuple[str, Answer]] = [(label.lower(), p) for p, label in scale.labels.items()]
    if scale.not_applicable:
        choices.append((scale.not_applicable.lower(), NOT_APPLICABLE))
    matches = [(label, value) for label, value in choices if label.startswith(typed)]
    if len(matches) == 1:
        return matches[0][1]
    if matches:
        names = " or ".join(f"'{label}'" for label, _ in matches)
        return Hint(f"'{text.strip()}' could be {names}; type more letters or the number.")
    return Hint(f"'{text.strip()}' is not an answer; type a number from {points}, or ? for help.")


def number_in(typed: str, top: int) -> bool:
    """Whether the typed text is a plain number from 1 to top (not '²', not 5000 digits)."""
    return typed.isascii() and typed.isdigit() and len(typed) <= 9 and 1 <= int(typed) <= top


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_answer(answer: Answer, scale: Scale) -> str:
    """An answer in words, for review screens and reports."""
    if answer is None:
        return "not answered"
    if isinstance(answer, str):
        return scale.not_applicable or "does not apply"
    return f"{answer} {scale.labels[answer]}"


def scale_line(scale: Scale | ScaleView) -> str:
    """The scale in one line, for example '1 Never  2 Rarely ... n Does not apply'."""
    parts = [f"{p} {label}" for p, label in scale.labels.items()]
    if scale.not_applicable:
        parts.append(f"n {scale.not_applicable}")
    return "  ".join(parts)
