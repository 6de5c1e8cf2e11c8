"""The questionnaire: the only module that talks to the user.

Input is line-based (type a number or the start of a label, then Enter), so it works
with screen readers, on Windows consoles and with piped input. It takes an IO object,
so tests and pipes drive the same code a person does.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from goodpartners.models import (
    NOT_APPLICABLE,
    Answer,
    Assessment,
    Competency,
    Framework,
    Item,
    Scale,
)
from goodpartners.scoring import off_scale

SECONDS_PER_ITEM = 12
KEYS_HELP = "Keys: b back, s skip for now, n does not apply, ? help, q save and quit."
NOTE_HELP = (
    "A note is a short example from your own work, in your own words. It appears in your "
    "report. Press Enter (or s) to skip it, b to go back to the last statement, "
    "or q to save and quit. You can add or change notes when you review your answers."
)


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

    def __init__(self, stdin: TextIO, stdout: TextIO, echo: bool | None = None) -> None:
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
class _Ahead:
    """An answer typed at a note prompt, taken as the answer to the next statement."""

    answer: Answer


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


def scale_line(scale: Scale) -> str:
    """The scale in one line, for example '1 Never  2 Rarely ... n Does not apply'."""
    parts = [f"{p} {label}" for p, label in scale.labels.items()]
    if scale.not_applicable:
        parts.append(f"n {scale.not_applicable}")
    return "  ".join(parts)


def questionnaire_items(framework: Framework, quick: bool) -> list[tuple[Competency, Item]]:
    """The items asked, in order: every item, or only the quick ones."""
    return [(c, i) for c, i in framework.items() if i.quick or not quick]


def minutes(item_count: int) -> int:
    """Roughly how many minutes it takes to read and answer this many items."""
    return max(1, round(item_count * SECONDS_PER_ITEM / 60))


def introduction(framework: Framework, quick: bool) -> str:
    """What this is, how long it takes, and where the answers go."""
    full = framework.item_count
    short = len(questionnaire_items(framework, quick=True))
    doing = "quick check" if quick else "full version"
    return "\n".join(
        [
            f"{framework.title}: self-assessment",
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


class Questionnaire:
    """Asks the items one at a time, then offers skipped ones again, then a review."""

    def __init__(
        self,
        framework: Framework,
        assessment: Assessment,
        io: QuestionIO,
        save: Callable[[Assessment], object],
        ask_notes: bool = True,
        finish: str = "finish",
    ) -> None:
        self.framework = framework
        self.finish = finish  # what Enter at the review does: finish, or go on to the next part
        self.assessment = assessment
        self.io = io
        self.save = save
        self.ask_notes = ask_notes  # the meeting prep keeps its quick check to two minutes
        self.order = questionnaire_items(framework, assessment.quick)
        self.input_ended = False  # the input ended with every statement answered
        self.number = {item.id: n for n, (_, item) in enumerate(self.order, start=1)}

    # The flow --------------------------------------------------------------

    def run(self, show_intro: bool = True) -> Assessment:
        """Run to the end and return the answered assessment; raises InputEnded or
        SaveAndQuit when it stops early (progress is saved either way)."""
        if show_intro:
            self.io.say(introduction(self.framework, self.assessment.quick))
        self._walk(self.order, start=self._first_open(), second_pass=False)
        skipped = [pair for pair in self.order if pair[1].id in self.assessment.skipped]
        if skipped:
            count = len(skipped)
            self.io.say("")
            self.io.say(
                f"You skipped {count} statement{'s' if count != 1 else ''}. "
                "Here they are again. Type s to leave one unanswered."
            )
            self._walk(skipped, start=0, second_pass=True)
        self._review()
        return self.assessment

    def _first_open(self) -> int:
        for index, (_, item) in enumerate(self.order):
            if item.id not in self.assessment.answers and item.id not in self.assessment.skipped:
                return index
        return len(self.order)

    def _walk(
        self, items: Sequence[tuple[Competency, Item]], start: int, second_pass: bool
    ) -> None:
        index = start
        ahead: _Ahead | None = None  # an answer typed at a note prompt, for the next one
        while index < len(items):
            competency, item = items[index]
            outcome = self._ask_item(competency, item, second_pass, ahead)
            ahead = None
            if outcome == "b":
                if index == 0:
                    self.io.say("This is the first statement, so there is nothing to go back to.")
                else:
                    index -= 1
                continue
            ends_competency = index + 1 == len(items) or items[index + 1][0].id != competency.id
            if ends_competency and not second_pass and self.ask_notes:
                offered = self._offer_note(competency, has_next=index + 1 < len(items))
                if offered == "b":
                    continue  # the statement again; the note is offered again after it
                if isinstance(offered, _Ahead):
                    ahead = offered
            index += 1

    def _ask_item(
        self,
        competency: Competency,
        item: Item,
        second_pass: bool = False,
        ahead: _Ahead | None = None,
    ) -> str:
        """Ask one item until it is answered, skipped or left; returns 'ok', 's' or 'b'.
        An answer typed ahead (at the note prompt before it) is shown and taken."""
        scale = self.framework.scale
        current = self.assessment.answers.get(item.id)
        self.io.say("")
        self.io.say(f"{competency.name} - {self.number[item.id]} of {len(self.order)}")
        self.io.say(item.text)
        self.io.say(scale_line(scale))
        if ahead is not None:
            self.io.say(f"Your answer: {describe_answer(ahead.answer, scale)}.")
            self._answer(item, ahead.answer)
            return "ok"
        if current is not None:
            self.io.say(f"Your answer so far: {describe_answer(current, scale)}. Enter keeps it.")
        prompt = f"Your answer ({scale.min}-{scale.max}, n, s, b, ? or q): "
        while True:
            parsed = self._read(prompt, scale)
            if isinstance(parsed, Hint):
                self.io.say(parsed.text)
                continue
            if isinstance(parsed, Command):
                if parsed.key == "" and current is not None:
                    return "ok"
                if parsed.key == "":
                    self.io.say(f"Type a number from {scale.min} to {scale.max}, or ? for help.")
                    continue
                if parsed.key == "?":
                    self.io.say(self._help(competency))
                    self.io.say("")
                    self.io.say(f"The statement again: {item.text}")
                    self.io.say(scale_line(scale))
                    continue
                if parsed.key == "q":
                    self.save(self.assessment)
                    raise SaveAndQuit
                if parsed.key == "b":
                    return "b"
                # "s": skip for now; it is offered again at the end.
                self.assessment.answers.pop(item.id, None)
                if item.id not in self.assessment.skipped:
                    self.assessment.skipped.append(item.id)
                self.save(self.assessment)
                return "s"
            self._answer(item, parsed)
            return "ok"

    def _answer(self, item: Item, answer: Answer) -> None:
        self.assessment.answers[item.id] = answer
        if item.id in self.assessment.skipped:
            self.assessment.skipped.remove(item.id)
        self.save(self.assessment)

    def _read(self, prompt: str, scale: Scale) -> Answer | Command | Hint:
        try:
            return parse_answer(self.io.ask(prompt), scale)
        except EOFError:
            raise InputEnded from None

    def _ask_text(self, prompt: str) -> str:
        try:
            return self.io.ask(prompt).strip()
        except EOFError:
            raise InputEnded from None

    def _all_answered(self) -> bool:
        answers = self.assessment.answers
        return all(answers.get(item.id) is not None for _, item in self.order)

    def _ended(self) -> None:
        """The input ended where only optional things are left: finish, or stop with
        the draft kept when a statement still has no answer."""
        if not self._all_answered():
            raise InputEnded
        if not self.input_ended:
            self.input_ended = True
            self.io.say("")
            self.io.say("The input ended. Every statement has an answer, so this finishes here.")

    def _offer_note(self, competency: Competency, has_next: bool) -> str | _Ahead:
        """Ask for an optional note; returns 'ok', 'b' (back to the statement before) or an
        answer typed ahead for the next statement. Keys mean what they mean elsewhere."""
        if competency.id in self.assessment.notes or self.input_ended:
            return "ok"
        prompt = (
            f"Optional: an example from your own practice for '{competency.name}' "
            "(type it, or press Enter to skip): "
        )
        while True:
            try:
                typed = self.io.ask(prompt).strip()
            except EOFError:
                self._ended()
                return "ok"
            key = " ".join(typed.lower().split())
            if key in {"b", "q", "?", "h"}:
                if key == "b":
                    return "b"
                if key == "q":
                    self.save(self.assessment)
                    raise SaveAndQuit
                self.io.say(NOTE_HELP)
                continue
            seen = self._looks_like_answer(key)
            if seen is None:
                note = "" if key == "s" else typed
                break
            if isinstance(seen, Hint):
                self.io.say(f"'{typed}' looks like an answer, not a note. {seen.text}")
                continue
            if not has_next:
                self.io.say(
                    f"'{typed}' looks like an answer, not a note, and there are no more "
                    "statements. Type your note in words, or press Enter to skip."
                )
                continue
            self.io.say(
                f"'{typed}' looks like an answer, not a note, so it is your answer to the "
                "next statement. You can add a note when you review your answers."
            )
            self.assessment.notes[competency.id] = ""
            self.save(self.assessment)
            return seen
        self.assessment.notes[competency.id] = note
        self.save(self.assessment)
        return "ok"

    def _looks_like_answer(self, key: str) -> _Ahead | Hint | None:
        """A scale answer typed at a note prompt: a bare number, n, or a whole label."""
        scale = self.framework.scale
        labels = {label.lower() for label in scale.labels.values()}
        if scale.not_applicable:
            labels.add(scale.not_applicable.lower())
        number = key.removeprefix("-")
        if not ((number.isascii() and number.isdigit()) or key in {"n", "n/a", "na"} | labels):
            return None
        parsed = parse_answer(key, scale)
        if isinstance(parsed, Hint):
            return parsed
        return None if isinstance(parsed, Command) else _Ahead(parsed)

    def _help(self, competency: Competency) -> str:
        lines = [f"{competency.name}: {competency.description.strip()}", "What the bands mean:"]
        for band in self.framework.bands:
            descriptor = competency.descriptors.get(band.id, band.meaning)
            lines.append(f"- {band.name}: {descriptor.strip()}")
        lines.append(
            "Type a number or the start of a label, for example 4 or 'of' for Often. " + KEYS_HELP
        )
        return "\n".join(lines)

    # The review -------------------------------------------------------------

    def _review_list(self) -> None:
        scale = self.framework.scale
        self.io.say("")
        self.io.say("Your answers")
        current = ""
        for competency, item in self.order:
            if competency.id != current:
                current = competency.id
                self.io.say(competency.name)
            answer = describe_answer(self.assessment.answers.get(item.id), scale)
            self.io.say(f"  {self.number[item.id]:>2}. {answer} - {item.text}")
            last = self.order[-1][1] is item or self.order[self.number[item.id]][0] != competency
            note = self.assessment.notes.get(competency.id, "")
            if last and note:
                self.io.say(f"      Your note: {note}")

    def _review(self) -> None:
        if self.input_ended:
            return
        self._review_list()
        total = len(self.order)
        change = "Type a number to change an answer"
        notes = ", w to write or change a note" if self.ask_notes else ""
        while True:
            try:
                typed = self.io.ask(
                    f"{change}{notes}, r to list again, or press Enter to {self.finish}: "
                )
            except EOFError:
                self._ended()
                return
            typed = typed.strip().lower()
            if typed == "":
                return
            if typed == "r":
                self._review_list()
                continue
            if typed == "q":
                self.save(self.assessment)
                raise SaveAndQuit
            if typed == "w" and self.ask_notes:
                self._change_note()
                continue
            if number_in(typed, total):
                competency, item = self.order[int(typed) - 1]
                if self._ask_item(competency, item) != "b":
                    answer = self.assessment.answers.get(item.id)
                    described = describe_answer(answer, self.framework.scale)
                    self.io.say(f"Statement {typed} is now: {described}.")
                continue
            also = ", w" if self.ask_notes else ""
            self.io.say(
                f"Type a number from 1 to {total}{also}, r, or press Enter to {self.finish}."
            )

    def _change_note(self) -> None:
        """Write, change or remove the note for one competency, from the review."""
        competencies = list({c.id: c for c, _ in self.order}.values())
        self.io.say("")
        self.io.say("Which competency is the note for?")
        for number, competency in enumerate(competencies, start=1):
            note = self.assessment.notes.get(competency.id, "")
            self.io.say(f"  {number:>2}. {competency.name}" + (f" - {note}" if note else ""))
        count = len(competencies)
        while True:
            typed = self._ask_text(
                f"Type its number (1-{count}), or press Enter to go back: "
            ).lower()
            if typed == "":
                return
            if number_in(typed, count):
                break
            self.io.say(f"Type a number from 1 to {count}, or press Enter to go back.")
        competency = competencies[int(typed) - 1]
        note = self._ask_text(
            f"Your note for '{competency.name}' (press Enter to keep it as it is, "
            "or type - to remove it): "
        )
        if note == "":
            self.io.say("Your note is as it was.")
            return
        self.assessment.notes[competency.id] = "" if note == "-" else note
        self.save(self.assessment)
        self.io.say(f"{'Removed' if note == '-' else 'Saved'} your note for '{competency.name}'.")


def ask_yes_no(io: QuestionIO, prompt: str, default: bool) -> bool:
    """Ask a yes/no question; Enter takes the default, end of input raises InputEnded."""
    choices = "[Y/n]" if default else "[y/N]"
    while True:
        try:
            typed = io.ask(f"{prompt} {choices} ").strip().lower()
        except EOFError:
            raise InputEnded from None
        if typed == "":
            return default
        if typed in {"y", "yes"}:
            return True
        if typed in {"n", "no"}:
            return False
        io.say("Type y for yes or n for no.")


def draft_summary(framework: Framework, draft: Assessment) -> str:
    """One line about an unfinished assessment, for the resume question."""
    asked = len(questionnaire_items(framework, draft.quick))
    done = len(draft.answers)
    when = draft.started.strftime("%d %B %Y at %H:%M")
    return f"You have an unfinished assessment from {when} ({done} of {asked} answered)."


def choose_start(
    framework: Framework,
    draft: Assessment | None,
    fresh: Assessment,
    io: QuestionIO,
    resume: bool = False,
    restart: bool = False,
) -> Assessment:
    """Carry on from the draft or start afresh: as the flags say, or by asking."""
    if draft is not None:
        # A draft kept from before the framework's scale changed: ask those again.
        for item_id in off_scale(draft.answers, framework.scale):
            del draft.answers[item_id]
    summary = draft_summary(framework, draft) if draft is not None else None
    if draft is not None and carry_on(io, summary, "assessment", resume, restart):
        return draft
    return fresh


def carry_on(
    io: QuestionIO, summary: str | None, what: str, resume: bool = False, restart: bool = False
) -> bool:
    """Whether to carry on with an unfinished draft (summary is None when there is none)."""
    if summary is None:
        if resume:
            io.say(f"There is no unfinished {what} to resume, so this starts a new one.")
        return False
    if restart:
        return False
    if resume:
        return True
    io.say(summary)
    return ask_yes_no(io, "Carry on with it? (n starts again and replaces it)", default=True)
