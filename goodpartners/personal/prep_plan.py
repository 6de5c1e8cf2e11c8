"""The meeting prep's planning steps: the framework's meeting questions, such as your
role, the partners' objectives, and what you can offer in the hours you have.

Like the questionnaire, it talks only through a QuestionIO (the PrepPrompter's).
"""

from __future__ import annotations

from goodpartners.models import Offer, Question
from goodpartners.personal.prep import (
    CARD_LABELS,
    OFFER_QUESTION,
    PARTNERS_QUESTION,
    about_hours,
    check_capacity,
)
from goodpartners.personal.prep_steps import PrepPrompter, Step, short

OFFER_QUESTION_TEXT = "What I can offer, and the time or resources it needs"
# Short names for the review list; other questions show their own text, cut short.
REVIEW_LABELS = {
    **CARD_LABELS,
    OFFER_QUESTION: "What I can offer",
    PARTNERS_QUESTION: "The partners' objectives",
    "key-partners": "Key partners",
    "room": "Leaving room for others",
}


def plan_steps(p: PrepPrompter) -> list[Step]:
    """A step for each meeting question, with the offers asked even if the framework has none."""
    steps: list[Step] = []
    offers_asked = False
    for question in p.framework.meeting_questions:
        if question.id == OFFER_QUESTION:
            steps.append(offers_step(p, question.text, question.hint))
            offers_asked = True
        elif question.id == PARTNERS_QUESTION:
            steps.append(partners_step(p, question))
        else:
            steps.append(text_step(p, question))
    if not offers_asked:
        steps.append(offers_step(p, OFFER_QUESTION_TEXT, None))
    return steps


def text_step(p: PrepPrompter, question: Question) -> Step:
    """A meeting question answered in words, such as your role in the meeting."""
    card = p.card

    def ask() -> None:
        p.heading(question.text, question.hint)
        card.answers[question.id] = p.text("Your answer: ", card.answers.get(question.id))
        p.save(card)

    return Step(
        REVIEW_LABELS.get(question.id, question.text),
        lambda: question.id in card.answers,
        ask,
        lambda: short(card.answers.get(question.id) or "(blank)"),
    )


def partners_step(p: PrepPrompter, question: Question) -> Step:
    """The partners' objectives, and what to find out, for each partner named."""
    card = p.card

    def done() -> bool:
        if card.partners:
            return all(
                each.objectives is not None and each.find_out is not None for each in card.partners
            )
        return PARTNERS_QUESTION in card.answers

    def ask() -> None:
        p.heading(question.text, question.hint)
        if not card.partners:
            card.answers[PARTNERS_QUESTION] = p.text(
                "Your answer: ", card.answers.get(PARTNERS_QUESTION)
            )
            p.save(card)
            return
        # Only partners just added, or all of them when asked again from the review.
        new = [each for each in card.partners if each.objectives is None or each.find_out is None]
        for partner in new or card.partners:
            p.io.say("")
            p.io.say(partner.who)
            partner.objectives = p.text("  What they want to achieve: ", partner.objectives)
            p.save(card)
            partner.find_out = p.text("  What you still need to find out: ", partner.find_out)
            p.save(card)

    def summary() -> str:
        if not card.partners:
            return short(card.answers.get(PARTNERS_QUESTION) or "(blank)")
        known = sum(1 for each in card.partners if each.objectives)
        return f"objectives noted for {known} of {len(card.partners)} partners"

    return Step(REVIEW_LABELS[PARTNERS_QUESTION], done, ask, summary)


def offers_step(p: PrepPrompter, text: str, hint: str | None) -> Step:
    """What you can offer and the hours each needs, checked against the hours you have."""
    card = p.card

    def done() -> bool:
        return bool(card.offers) and card.hours_available is not None

    def ask() -> None:
        p.heading(text, hint)
        if done():  # asked again from the review: start the list afresh
            card.offers = []
            card.hours_available = None
        while True:
            ask_offers(p)
            if card.hours_available is None:
                p.io.say("")
                p.io.say(
                    "How many hours do you really have for this in the next month, "
                    "after your other work?"
                )
                card.hours_available = p.hours("Hours you have next month: ")
                p.save(card)
            capacity = check_capacity(card.offers or [], card.hours_available)
            if capacity is None:
                return
            p.io.say("")
            p.io.say(capacity.message)
            if not capacity.over:
                return
            if not p.yes_no(
                "Change your offers now? (n keeps them, and your card shows this warning)",
                default=True,
            ):
                return
            p.io.say("List your offers again. Offer less, or make each one smaller.")
            card.offers = []
            p.save(card)

    def summary() -> str:
        offers = card.offers or []
        capacity = check_capacity(offers, card.hours_available)
        count = f"{len(offers)} offer{'s' if len(offers) != 1 else ''}"
        return count + (" - over-promising" if capacity and capacity.over else "")

    return Step(REVIEW_LABELS[OFFER_QUESTION], done, ask, summary)


def ask_offers(p: PrepPrompter) -> None:
    """List offers one at a time, each with the hours it needs, until an empty line."""
    card = p.card
    offers = card.offers if card.offers is not None else []
    card.offers = offers
    if offers:
        p.io.say("Your offers so far:")
        for n, offer in enumerate(offers, start=1):
            p.io.say(
                f"{n}. {offer.text} "
                + (
                    f"({about_hours(offer.hours)})"
                    if offer.hours is not None
                    else "(hours not given)"
                )
            )
    else:
        p.io.say(
            "Type one offer at a time. After each, say roughly how many hours it needs "
            "in the next month. Press Enter on an empty line when you have listed them all."
        )
    while True:
        typed = p.line(f"Offer {len(offers) + 1}: ")
        if not typed and offers:
            return
        if not typed:
            p.io.say("Type at least one offer, even a small one, such as a call to the GP.")
            continue
        hours = p.hours("Hours it needs next month: ")
        offers.append(Offer(text=typed, hours=hours))
        p.save(card)
