"""The meeting prep interview: questions before a meeting, and the reflection after it.

Like the questionnaire, it talks only through a QuestionIO, so tests and pipes drive the
same code a person does. Progress is saved after every answer. Typing q on its own saves
and stops; the end of the input raises InputEnded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from goodpartners.models import (
    Framework,
    Offer,
    Partner,
    PrepCard,
    Question,
    Reflection,
    now,
)
from goodpartners.personal.prep import (
    CARD_LABELS,
    OFFER_QUESTION,
    PARTNERS_QUESTION,
    about_hours,
    check_capacity,
    choose_focus,
    day_text,
    parse_hours,
    parse_meeting_date,
    reflection_questions,
)
from goodpartners.personal.questionnaire import (
    KEYS_HELP,
    InputEnded,
    QuestionIO,
    Questionnaire,
    SaveAndQuit,
    ask_yes_no,
    minutes,
    number_in,
    questionnaire_items,
)

QUIT_HELP = "Type q on its own to save and stop."
OFFER_QUESTION_TEXT = "What I can offer, and the time or resources it needs"
# Short names for the review list; other questions show their own text, cut short.
REVIEW_LABELS = {
    **CARD_LABELS,
    OFFER_QUESTION: "What I can offer",
    PARTNERS_QUESTION: "The partners' objectives",
    "key-partners": "Key partners",
    "room": "Leaving room for others",
}


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
        self.steps = self._steps()
        self.noted = False  # whether the [brackets] note was shown for this change

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

    def _steps(self) -> list[Step]:
        card = self.card
        steps = [
            Step("Meeting", lambda: card.meeting is not None, self._ask_meeting, self._meeting),
            Step("Date", lambda: card.meeting_date is not None, self._ask_date, self._date),
            Step(
                "Who will be there",
                lambda: card.partners is not None,
                self._ask_partners,
                self._who,
            ),
            Step("Quick check", lambda: card.check_done, self._ask_check, self._check),
        ]
        offers_asked = False
        for question in self.framework.meeting_questions:
            if question.id == OFFER_QUESTION:
                steps.append(self._offers_step(question.text, question.hint))
                offers_asked = True
            elif question.id == PARTNERS_QUESTION:
                steps.append(self._partners_step(question))
            else:
                steps.append(self._text_step(question))
        if not offers_asked:
            steps.append(self._offers_step(OFFER_QUESTION_TEXT, None))
        return steps

    # Reading lines ------------------------------------------------------------

    def _line(self, prompt: str) -> str:
        """One typed line; q on its own saves and stops."""
        try:
            typed = self.io.ask(prompt).strip()
        except EOFError:
            raise InputEnded from None
        if typed.lower() == "q":
            self.save(self.card)
            raise SaveAndQuit
        return typed

    def _text(self, prompt: str, current: str | None = None) -> str:
        """A free-text answer; Enter keeps the current answer, shown in [brackets]."""
        if current:
            if not self.noted:
                self.io.say("Press Enter to keep an answer shown in [brackets].")
                self.noted = True
            prompt = f"{prompt.rstrip(': ')} [{short(current, 40)}]: "
        typed = self._line(prompt)
        return typed if typed or not current else current

    def _hours(self, prompt: str) -> float:
        while True:
            try:
                return parse_hours(self._line(prompt))
            except ValueError as exc:
                self.io.say(str(exc))

    # The meeting --------------------------------------------------------------

    def _ask_meeting(self) -> None:
        self.io.say("What is the meeting? For example: Case review for J.S.")
        while True:
            typed = self._line("Meeting: ")
            if typed:
                break
            self.io.say("Type a few words that name the meeting, so you can find the card later.")
        self.card.meeting = typed
        self.save(self.card)

    def _meeting(self) -> str:
        return self.card.meeting or ""

    def _ask_date(self) -> None:
        self.io.say("When is it? " + "Type the date as YYYY-MM-DD, or type today or tomorrow.")
        while True:
            try:
                self.card.meeting_date = parse_meeting_date(self._line("Date: "), self.today)
                break
            except ValueError as exc:
                self.io.say(str(exc))
        self.io.say(f"That is {day_text(self.card.meeting_date)}.")
        self.save(self.card)

    def _date(self) -> str:
        return day_text(self.card.meeting_date) if self.card.meeting_date else ""

    def _ask_partners(self) -> None:
        self.io.say(
            "Who will be there? Type one organisation and role per line, for example: "
            "Probation - probation officer. Press Enter on an empty line when you have finished."
        )
        before = {p.who: p for p in self.card.partners or []}
        if before:
            self.io.say("Type everyone again. You had: " + "; ".join(before) + ".")
        partners: list[Partner] = []
        while True:
            typed = self._line(f"{len(partners) + 1}. ")
            if not typed:
                break
            partners.append(before.get(typed, Partner(who=typed)))
        self.card.partners = partners
        self.save(self.card)

    def _who(self) -> str:
        names = [p.who for p in self.card.partners or []]
        return "; ".join(names) if names else "nobody named"

    # The quick check ----------------------------------------------------------

    def _ask_check(self) -> None:
        count = len(questionnaire_items(self.framework, quick=True))
        scale = self.framework.scale
        first = not self.card.check.answers
        if first:
            self.io.say(
                f"{count} statements, about {minutes(count)} minutes. For each, type a number "
                f"from {scale.min} to {scale.max} (or the start of its label) and press Enter."
            )
            self.io.say(KEYS_HELP)
        Questionnaire(
            self.framework,
            self.card.check,
            self.io,
            lambda _: self.save(self.card),
            ask_notes=False,
            finish="go on",
        ).run(show_intro=False)
        self.card.check_done = True
        self.save(self.card)
        focus = choose_focus(self.framework, self.card)
        if focus:
            names = " and ".join(f"'{f.name}'" for f in focus)
            self.io.say("")
            self.io.say(
                f"From your quick check, focus on {names} in this meeting. "
                "Your card says what doing them well looks like."
            )

    def _check(self) -> str:
        count = len(questionnaire_items(self.framework, quick=True))
        return f"{len(self.card.check.answers)} of {count} answered"

    # The meeting questions ----------------------------------------------------

    def _ask_question_heading(self, text: str, hint: str | None) -> None:
        self.io.say("")
        self.io.say(text)
        if hint:
            self.io.say(hint)

    def _text_step(self, question: Question) -> Step:
        card = self.card

        def ask() -> None:
            self._ask_question_heading(question.text, question.hint)
            card.answers[question.id] = self._text("Your answer: ", card.answers.get(question.id))
            self.save(card)

        return Step(
            REVIEW_LABELS.get(question.id, question.text),
            lambda: question.id in card.answers,
            ask,
            lambda: short(card.answers.get(question.id) or "(blank)"),
        )

    def _partners_step(self, question: Question) -> Step:
        card = self.card

        def done() -> bool:
            if card.partners:
                return all(
                    p.objectives is not None and p.find_out is not None for p in card.partners
                )
            return PARTNERS_QUESTION in card.answers

        def ask() -> None:
            self._ask_question_heading(question.text, question.hint)
            if not card.partners:
                card.answers[PARTNERS_QUESTION] = self._text(
                    "Your answer: ", card.answers.get(PARTNERS_QUESTION)
                )
                self.save(card)
                return
            # Only partners just added, or all of them when asked again from the review.
            new = [p for p in card.partners if p.objectives is None or p.find_out is None]
            for partner in new or card.partners:
                self.io.say("")
                self.io.say(partner.who)
                partner.objectives = self._text("  What they want to achieve: ", partner.objectives)
                self.save(card)
                partner.find_out = self._text(
                    "  What you still need to find out: ", partner.find_out
                )
                self.save(card)

        def summary() -> str:
            if not card.partners:
                return short(card.answers.get(PARTNERS_QUESTION) or "(blank)")
            known = sum(1 for p in card.partners if p.objectives)
            return f"objectives noted for {known} of {len(card.partners)} partners"

        return Step(REVIEW_LABELS[PARTNERS_QUESTION], done, ask, summary)

    def _offers_step(self, text: str, hint: str | None) -> Step:
        card = self.card

        def done() -> bool:
            return bool(card.offers) and card.hours_available is not None

        def ask() -> None:
            self._ask_question_heading(text, hint)
            if done():  # asked again from the review: start the list afresh
                card.offers = []
                card.hours_available = None
            while True:
                self._ask_offers()
                if card.hours_available is None:
                    self.io.say("")
                    self.io.say(
                        "How many hours do you really have for this in the next month, "
                        "after your other work?"
                    )
                    card.hours_available = self._hours("Hours you have next month: ")
                    self.save(card)
                capacity = check_capacity(card.offers or [], card.hours_available)
                if capacity is None:
                    return
                self.io.say("")
                self.io.say(capacity.message)
                if not capacity.over:
                    return
                if not self._yes_no(
                    "Change your offers now? (n keeps them, and your card shows this warning)",
                    default=True,
                ):
                    return
                self.io.say("List your offers again. Offer less, or make each one smaller.")
                card.offers = []
                self.save(card)

        def summary() -> str:
            offers = card.offers or []
            capacity = check_capacity(offers, card.hours_available)
            count = f"{len(offers)} offer{'s' if len(offers) != 1 else ''}"
            return count + (" - over-promising" if capacity and capacity.over else "")

        return Step(REVIEW_LABELS[OFFER_QUESTION], done, ask, summary)

    def _ask_offers(self) -> None:
        card = self.card
        offers = card.offers if card.offers is not None else []
        card.offers = offers
        if offers:
            self.io.say("Your offers so far:")
            for n, offer in enumerate(offers, start=1):
                self.io.say(f"{n}. {offer.text} ({about_hours(offer.hours or 0)})")
        else:
            self.io.say(
                "Type one offer at a time. After each, say roughly how many hours it needs "
                "in the next month. Press Enter on an empty line when you have listed them all."
            )
        while True:
            typed = self._line(f"Offer {len(offers) + 1}: ")
            if not typed and offers:
                return
            if not typed:
                self.io.say("Type at least one offer, even a small one, such as a call to the GP.")
                continue
            hours = self._hours("Hours it needs next month: ")
            offers.append(Offer(text=typed, hours=hours))
            self.save(card)

    def _yes_no(self, prompt: str, default: bool) -> bool:
        return ask_yes_no(self.io, prompt, default)

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
            typed = self._line(
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
                self.noted = False
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
