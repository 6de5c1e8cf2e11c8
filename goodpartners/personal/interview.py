"""The meeting prep interview: questions before a meeting, and the reflection after it.

Like the questionnaire, it talks only through a QuestionIO, so tests and pipes drive the
same code a person does. Progress is saved after every answer. Typing q on its own saves
and stops; the end of the input raises InputEnded. The steps live beside it:
prep_steps.py (about the meeting, and the quick check) and prep_plan.py (the meeting
questions: role, partners, offers and hours).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from goodpartners.models import Framework, PrepCard, Reflection, now
from goodpartners.personal.prep import day_text, reflection_questions
from goodpartners.personal.prep_plan import OFFER_QUESTION_TEXT, REVIEW_LABELS, plan_steps
from goodpartners.personal.prep_steps import (
    PrepPrompter,
    Step,
    check_step,
    meeting_steps,
    short,
)
from goodpartners.personal.questionnaire import (
    InputEnded,
    QuestionIO,
    SaveAndQuit,
    ask_yes_no,
    minutes,
    number_in,
    questionnaire_items,
)

__all__ = [
    "OFFER_QUESTION_TEXT",
    "QUIT_HELP",
    "REVIEW_LABELS",
    "PrepInterview",
    "Step",
    "ask_reflection",
    "prep_summary",
    "short",
]

QUIT_HELP = "Type q on its own to save and stop."


def prep_summary(card: PrepCard) -> str:
    """One line about an unfinished meeting prep, for the resume question."""
    when = card.started.strftime("%d %B %Y at %H:%M")
    about = f" for '{short(card.meeting, 40)}'" if card.meeting else ""
    return f"You have an unfinished meeting prep{about}, started {when}."


class PrepInterview:
    """Asks about the meeting, runs the quick check, then the framework's meeting questions."""

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
        self.prompter = PrepPrompter(framework, card, io, save, today)
        self.steps = [
            *meeting_steps(self.prompter),
            check_step(self.prompter),
            *plan_steps(self.prompter),
        ]

    # The flow --------------------------------------------------------------

    def run(self, show_intro: bool = True) -> PrepCard:
        """Ask every step not yet done, then review; returns the answered (unfinished) card."""
        if show_intro:
            self.io.say(self.introduction())
        else:
            self.io.say("Carrying on from where you stopped. " + QUIT_HELP)
        self._ask_pending()
        self._review()
        return self.card

    def introduction(self) -> str:
        """What the prep is, how long it takes, and that answers stay here."""
        checks = len(questionnaire_items(self.framework, quick=True))
        total = minutes(checks) + len(self.framework.meeting_questions) + 2
        rounded = max(5, round(total / 5) * 5)
        return "\n".join(
            [
                f"Meeting prep: {self.framework.title}",
                "",
                f"Get ready for a multi-agency meeting in about {rounded} minutes. First, a few "
                f"questions about the meeting. Then the quick check: {checks} statements, one "
                "for each skill. Then you plan your role, your offer, and what you need to "
                "find out. At the end you get a one-page card to take with you.",
                "",
                "Your answers stay on this computer and are saved after every answer. "
                f"{QUIT_HELP} To carry on later, run: goodpartners prep --resume",
            ]
        )

    def _ask_pending(self) -> None:
        heading = ""
        for step in self.steps:
            if step.done():
                continue
            section = self._section(step)
            if section != heading:
                heading = section
                self.io.say("")
                self.io.say(section)
            step.ask()

    def _section(self, step: Step) -> str:
        if step.label in {"Meeting", "Date", "Who will be there"}:
            return "About the meeting"
        if step.label == "Quick check":
            return "The quick check"
        return "Planning for the meeting (press Enter to leave an answer blank)"

    # The review ---------------------------------------------------------------

    def _review_list(self) -> None:
        self.io.say("")
        self.io.say("Your prep")
        for n, step in enumerate(self.steps, start=1):
            self.io.say(f"{n:>2}. {short(step.label, 40)}: {step.summary()}")

    def _review(self) -> None:
        self._review_list()
        total = len(self.steps)
        while True:
            typed = self.prompter.line(
                "Type a number to change it, r to list again, or press Enter for your card: "
            ).lower()
            if typed == "":
                return
            if typed == "r":
                self._review_list()
                continue
            if number_in(typed, total):
                step = self.steps[int(typed) - 1]
                if step.label == "Quick check":
                    self.card.check_done = False
                self.prompter.noted = False
                step.ask()
                self._ask_pending()  # a new partner needs their objectives, for example
                self._review_list()
                continue
            self.io.say(f"Type a number from 1 to {total}, r, or press Enter for your card.")


def ask_reflection(
    card: PrepCard, io: QuestionIO, save: Callable[[PrepCard], object]
) -> PrepCard | None:
    """Ask the after-meeting questions and return the card with its reflection.

    Returns None when the card already has a reflection and the user keeps it.
    """
    draft = card.reflection_draft
    if card.reflection is not None and draft is None:
        written = card.reflection.written.strftime("%d %B %Y")
        io.say(f"You wrote a reflection on this meeting on {written}.")
        if not ask_yes_no(io, "Write it again? (y replaces it)", default=False):
            return None
    answers = dict(draft or {})
    card.reflection_draft = answers
    assert card.meeting is not None
    when = f", {day_text(card.meeting_date)}" if card.meeting_date else ""
    io.say(f"After the meeting: {card.meeting}{when}")
    if answers:
        io.say("Carrying on from where you stopped.")
    io.say("")
    io.say(
        "A few questions to help you learn from it. Your answers are saved with the card "
        "and appear in your next development report. Press Enter to leave one blank. " + QUIT_HELP
    )
    focus = {f.id: f for f in card.focus}
    for key, question in reflection_questions(card):
        if key in answers:
            continue
        io.say("")
        io.say(question)
        if key in focus:
            io.say(f"What you aimed for: {focus[key].behaviour}")
        try:
            typed = io.ask("Your answer: ").strip()
        except EOFError:
            raise InputEnded from None
        if typed.lower() == "q":
            save(card)
            raise SaveAndQuit
        answers[key] = typed
        save(card)
    card.reflection = Reflection(written=now(), answers=answers)
    card.reflection_draft = None
    save(card)
    return card
