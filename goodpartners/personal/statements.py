"""Asking the questionnaire's statements one at a time, and what the parts of a run share.

It talks only through the session's QuestionIO, like the rest of the questionnaire.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

from goodpartners.models import Answer, Assessment, Competency, Framework, Item, Scale
from goodpartners.personal.lines import (
    KEYS_HELP,
    Command,
    Hint,
    InputEnded,
    QuestionIO,
    SaveAndQuit,
    describe_answer,
    parse_answer,
    scale_line,
)
from goodpartners.personal.opening import answer_prompt, statement_lines


def label_echo(typed: str, parsed: Answer | Command | Hint, scale: Scale) -> str | None:
    """The full label for an answer typed as words, such as 'some -> Sometimes'.

    Plain '->' rather than an arrow, so old Windows consoles show it too. Numbers and
    the keys n, b, s, ? and q are not echoed.
    """
    if isinstance(parsed, Command | Hint) or parsed is None:
        return None
    words = " ".join(typed.split())
    if words.isdigit() or words.lower() in {"n", "n/a", "na"}:
        return None
    label = describe_answer(parsed, scale)
    if isinstance(parsed, int):
        label = scale.labels[parsed]
    if words.lower() == label.lower():
        return None
    return f"{words} -> {label}"


@dataclass(frozen=True)
class Ahead:
    """An answer typed at a note prompt, taken as the answer to the next statement."""

    answer: Answer


@dataclass
class Session:
    """One run of the questionnaire: the items in order, where to talk, and how to save."""

    framework: Framework
    assessment: Assessment
    io: QuestionIO
    save: Callable[[Assessment], object]
    order: list[tuple[Competency, Item]]
    ask_notes: bool  # the meeting prep keeps its quick check to two minutes
    finish: str  # what Enter at the review does: finish, or go on to the next part
    input_ended: bool = False  # the input ended with every statement answered
    number: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.number = {item.id: n for n, (_, item) in enumerate(self.order, start=1)}

    def quit(self) -> NoReturn:
        """Save the progress and stop: the user typed q."""
        self.save(self.assessment)
        raise SaveAndQuit

    def all_answered(self) -> bool:
        """Whether every statement asked has an answer."""
        answers = self.assessment.answers
        return all(answers.get(item.id) is not None for _, item in self.order)

    def ended(self) -> None:
        """The input ended where only optional things are left: finish, or stop with
        the draft kept when a statement still has no answer."""
        if not self.all_answered():
            raise InputEnded
        if not self.input_ended:
            self.input_ended = True
            self.io.say("")
            self.io.say("The input ended. Every statement has an answer, so this finishes here.")


class StatementAsker:
    """Asks one statement until it is answered, skipped or left, saving every answer."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ask(
        self,
        competency: Competency,
        item: Item,
        second_pass: bool = False,
        ahead: Ahead | None = None,
    ) -> str:
        """Ask one item until it is answered, skipped or left; returns 'ok', 's' or 'b'.
        An answer typed ahead (at the note prompt before it) is shown and taken."""
        session = self.session
        assessment = session.assessment
        scale = session.framework.scale
        current = assessment.answers.get(item.id)
        number, total = session.number[item.id], len(session.order)
        for line in statement_lines(competency.name, number, total, item.text, scale):
            session.io.say(line)
        if ahead is not None:
            session.io.say(f"Your answer: {describe_answer(ahead.answer, scale)}.")
            self._answer(item, ahead.answer)
            return "ok"
        if current is not None:
            session.io.say(
                f"Your answer so far: {describe_answer(current, scale)}. Enter keeps it."
            )
        prompt = answer_prompt(scale)
        while True:
            parsed = self._read(prompt, scale)
            if isinstance(parsed, Hint):
                session.io.say(parsed.text)
                continue
            if isinstance(parsed, Command):
                if parsed.key == "" and current is not None:
                    return "ok"
                if parsed.key == "":
                    session.io.say(f"Type a number from {scale.min} to {scale.max}, or ? for help.")
                    continue
                if parsed.key == "?":
                    session.io.say(self._help(competency))
                    session.io.say("")
                    session.io.say(f"The statement again: {item.text}")
                    session.io.say(scale_line(scale))
                    continue
                if parsed.key == "q":
                    session.quit()
                if parsed.key == "b":
                    return "b"
                return self._skip(item)
            self._answer(item, parsed)
            return "ok"

    def _skip(self, item: Item) -> str:
        """Skip for now; it is offered again at the end."""
        assessment = self.session.assessment
        assessment.answers.pop(item.id, None)
        if item.id not in assessment.skipped:
            assessment.skipped.append(item.id)
        self.session.save(assessment)
        return "s"

    def _answer(self, item: Item, answer: Answer) -> None:
        assessment = self.session.assessment
        assessment.answers[item.id] = answer
        if item.id in assessment.skipped:
            assessment.skipped.remove(item.id)
        self.session.save(assessment)

    def _read(self, prompt: str, scale: Scale) -> Answer | Command | Hint:
        try:
            typed = self.session.io.ask(prompt)
        except EOFError:
            raise InputEnded from None
        parsed = parse_answer(typed, scale)
        echo = label_echo(typed, parsed, scale)
        if echo:
            self.session.io.say(echo)
        return parsed

    def _help(self, competency: Competency) -> str:
        lines = [f"{competency.name}: {competency.description.strip()}", "What the bands mean:"]
        for band in self.session.framework.bands:
            descriptor = competency.descriptors.get(band.id, band.meaning)
            lines.append(f"- {band.name}: {descriptor.strip()}")
        lines.append(
            "Type a number or the start of a label, for example 4 or 'of' for Often. " + KEYS_HELP
        )
        return "\n".join(lines)
