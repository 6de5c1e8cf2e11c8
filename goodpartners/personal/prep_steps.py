"""The meeting prep's first steps: about the meeting, and the quick check.

Also what every step shares: the Step itself, and a PrepPrompter that reads lines for the
card. Like the questionnaire, it talks only through a QuestionIO.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from goodpartners.models import Framework, Partner, PrepCard
from goodpartners.personal.prep import choose_focus, day_text, parse_hours, parse_meeting_date
from goodpartners.personal.questionnaire import (
    KEYS_HELP,
    InputEnded,
    QuestionIO,
    Questionnaire,
    SaveAndQuit,
    ask_yes_no,
    minutes,
    questionnaire_items,
)


@dataclass
class Step:
    """One part of the prep: asked once, listed in the review, and asked again from there."""

    label: str
    done: Callable[[], bool]
    ask: Callable[[], None]
    summary: Callable[[], str]


def short(text: str, width: int = 52) -> str:
    """Text cut to fit on one review line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3].rstrip() + "..."


class PrepPrompter:
    """The card being prepared, and reading its answers: q on its own saves and stops."""

    def __init__(
        self,
        framework: Framework,
        card: PrepCard,
        io: QuestionIO,
        save: Callable[[PrepCard], object],
        today: date,
    ) -> None:
        self.framework = framework
        self.card = card
        self.io = io
        self.save = save
        self.today = today
        self.noted = False  # whether the [brackets] note was shown for this change

    def line(self, prompt: str) -> str:
        """One typed line; q on its own saves and stops."""
        try:
            typed = self.io.ask(prompt).strip()
        except EOFError:
            raise InputEnded from None
        if typed.lower() == "q":
            self.save(self.card)
            raise SaveAndQuit
        return typed

    def text(self, prompt: str, current: str | None = None) -> str:
        """A free-text answer; Enter keeps the current answer, shown in [brackets]."""
        if current:
            if not self.noted:
                self.io.say("Press Enter to keep an answer shown in [brackets].")
                self.noted = True
            prompt = f"{prompt.rstrip(': ')} [{short(current, 40)}]: "
        typed = self.line(prompt)
        return typed if typed or not current else current

    def hours(self, prompt: str) -> float:
        """A number of hours, asked until it reads as one."""
        while True:
            try:
                return parse_hours(self.line(prompt))
            except ValueError as exc:
                self.io.say(str(exc))

    def yes_no(self, prompt: str, default: bool) -> bool:
        """A yes/no question; Enter takes the default."""
        return ask_yes_no(self.io, prompt, default)

    def heading(self, text: str, hint: str | None) -> None:
        """A meeting question's text and hint, before its answer."""
        self.io.say("")
        self.io.say(text)
        if hint:
            self.io.say(hint)


def meeting_steps(p: PrepPrompter) -> list[Step]:
    """The steps about the meeting: what it is, when, and who will be there."""
    card = p.card

    def who() -> str:
        names = [partner.who for partner in card.partners or []]
        return "; ".join(names) if names else "nobody named"

    return [
        Step(
            "Meeting",
            lambda: card.meeting is not None,
            lambda: ask_meeting(p),
            lambda: card.meeting or "",
        ),
        Step(
            "Date",
            lambda: card.meeting_date is not None,
            lambda: ask_date(p),
            lambda: day_text(card.meeting_date) if card.meeting_date else "",
        ),
        Step("Who will be there", lambda: card.partners is not None, lambda: ask_who(p), who),
    ]


def ask_meeting(p: PrepPrompter) -> None:
    """Ask what the meeting is: a few words to find the card by later."""
    p.io.say("What is the meeting? For example: Case review for J.S.")
    while True:
        typed = p.line("Meeting: ")
        if typed:
            break
        p.io.say("Type a few words that name the meeting, so you can find the card later.")
    p.card.meeting = typed
    p.save(p.card)


def ask_date(p: PrepPrompter) -> None:
    """Ask when the meeting is, and say the day back."""
    p.io.say("When is it? " + "Type the date as YYYY-MM-DD, or type today or tomorrow.")
    while True:
        try:
            p.card.meeting_date = parse_meeting_date(p.line("Date: "), p.today)
            break
        except ValueError as exc:
            p.io.say(str(exc))
    p.io.say(f"That is {day_text(p.card.meeting_date)}.")
    p.save(p.card)


def ask_who(p: PrepPrompter) -> None:
    """Ask who will be there, one per line, keeping what is known about those named before."""
    p.io.say(
        "Who will be there? Type one organisation and role per line, for example: "
        "Probation - probation officer. Press Enter on an empty line when you have finished."
    )
    before = {partner.who: partner for partner in p.card.partners or []}
    if before:
        p.io.say("Type everyone again. You had: " + "; ".join(before) + ".")
    partners: list[Partner] = []
    while True:
        typed = p.line(f"{len(partners) + 1}. ")
        if not typed:
            break
        partners.append(before.get(typed, Partner(who=typed)))
    p.card.partners = partners
    p.save(p.card)


def check_step(p: PrepPrompter) -> Step:
    """The quick check: the framework's quick statements, without notes."""
    count = len(questionnaire_items(p.framework, quick=True))

    def summary() -> str:
        return f"{len(p.card.check.answers)} of {count} answered"

    return Step("Quick check", lambda: p.card.check_done, lambda: ask_check(p), summary)


def ask_check(p: PrepPrompter) -> None:
    """Run the quick check, then say which competencies to focus on in the meeting."""
    count = len(questionnaire_items(p.framework, quick=True))
    scale = p.framework.scale
    first = not p.card.check.answers
    if first:
        p.io.say(
            f"{count} statements, about {minutes(count)} minutes. For each, type a number "
            f"from {scale.min} to {scale.max} (or the start of its label) and press Enter."
        )
        p.io.say(KEYS_HELP)
    Questionnaire(
        p.framework,
        p.card.check,
        p.io,
        lambda _: p.save(p.card),
        ask_notes=False,
        finish="go on",
    ).run(show_intro=False)
    p.card.check_done = True
    p.save(p.card)
    focus = choose_focus(p.framework, p.card)
    if focus:
        names = " and ".join(f"'{f.name}'" for f in focus)
        p.io.say("")
        p.io.say(
            f"From your quick check, focus on {names} in this meeting. "
            "Your card says what doing them well looks like."
        )
    elif any(isinstance(answer, int) for answer in p.card.check.answers.values()):
        p.io.say("")
        p.io.say(
            "The skills your quick check scored are ones to work on after the meeting, "
            "so your card has no focus for the meeting itself."
        )
