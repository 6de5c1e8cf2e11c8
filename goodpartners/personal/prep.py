"""The meeting prep card, worked out from the answers: focus, offers against capacity, views.

Everything here is pure: models go in and models come out. The questions are asked in
`interview.py`, saved by `history.py` and drawn by the renderers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from goodpartners.models import Focus, Framework, Offer, Partner, PrepCard, Reflection
from goodpartners.scoring import band_for, score_assessment

OFFER_QUESTION = "my-offer"
"""The meeting question answered by listing offers with their hours."""
PARTNERS_QUESTION = "partners"
"""The meeting question answered partner by partner, when partners were named."""
FOCUS_COUNT = 2
MAX_HOURS = 24 * 31
LAST_REFLECTIONS = 3
"""How many reflections a report shows when there is no earlier assessment."""

LEARNED = "learned"
DIFFERENTLY = "differently"
LEARNED_QUESTION = "What did I learn about the partners?"
DIFFERENTLY_QUESTION = "What will I do differently next time?"

# How the card names the answers to the framework's meeting questions.
CARD_LABELS = {
    "role-summary": "My role",
    "expect": "What I want from this meeting",
    "not-promise": "What I will not promise",
    "key-partners": "Key partners for this person",
    "room": "How I will leave room for others",
}
# The two totals under the offers, the same in every card format.
HOURS_OFFERED_LABEL = "Total offered"
HOURS_AVAILABLE_LABEL = "Hours I have"
HOURS_NOT_GIVEN = "not given"

# What the card says in place of a focus when prep picked none.
NO_ANSWERS_NOTE = "No focus yet: the quick check had no answers to go on."
AFTER_MEETING_NOTE = (
    "No focus for the meeting itself: the skills your quick check scored are ones to work "
    "on after the meeting, so use the questions below when it is over."
)
DATE_HINT = "Type the date as YYYY-MM-DD, for example 2026-11-14, or type today or tomorrow."
HOURS_HINT = "type a number, for example 4 or 1.5"

_HOURS = re.compile(
    r"^(?:about|around|roughly|~)?\s*(?P<n>\d+(?:\.\d+)?|\.\d+)\s*(?:h|hr|hrs|hour|hours)?$"
)
_WEEKLY = re.compile(
    r"^(?:about|around|roughly|~)?\s*(?P<n>\d+(?:\.\d+)?).*\b(?:a|per|each)\s*week"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CardModel(BaseModel):
    """Plain, frozen data for the card renderers."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class Capacity(CardModel):
    """The hours the offers need next month against the hours the worker has."""

    needed: float
    available: float
    over: bool
    message: str


class Labelled(CardModel):
    """A label and the worker's text, such as a question and its answer."""

    label: str
    text: str


class ReflectionView(CardModel):
    """A prep card's after-meeting reflection, as the development report shows it."""

    card_id: str
    meeting: str
    meeting_date: date
    meeting_when: str
    written: datetime
    answers: list[Labelled]


class CardView(CardModel):
    """A prep card: everything the renderers show, worked out once."""

    card_id: str
    framework_id: str
    framework_title: str
    framework_version: str
    made: datetime
    meeting: str
    meeting_date: date
    meeting_when: str
    role: str | None
    expect: str | None
    offers: list[Offer]
    hours_offered: float | None
    hours_available: float | None
    capacity: Capacity | None
    not_promise: str | None
    partners: list[Partner]
    partners_note: str | None
    key_partners: str | None
    room: str | None
    focus: list[Focus]
    focus_note: str | None
    other: list[Labelled]
    after_questions: list[str]
    reflective_prompts: list[str]
    after_command: str
    reflection: ReflectionView | None


# Parsing typed values ----------------------------------------------------------


def parse_hours(text: str) -> float:
    """Hours typed or written in a file, such as '4', '1.5' or 'about 6 hours'.

    Raises ValueError with a one-line hint.
    """
    typed = " ".join(text.strip().lower().split())
    if not typed:
        raise ValueError(HOURS_HINT[0].upper() + HOURS_HINT[1:] + ".")
    if typed.startswith("-"):
        raise ValueError(f"Hours cannot be less than 0; {HOURS_HINT}.")
    match = _HOURS.match(typed)
    weekly = _WEEKLY.match(typed)
    if not match and weekly:
        month = round(float(weekly["n"]) * 52 / 12)
        raise ValueError(
            f"Type the hours for the whole month: {weekly['n']} hours a week is about {month}."
        )
    if not match:
        raise ValueError(f"'{text.strip()}' is not a number of hours; {HOURS_HINT}.")
    hours = float(match["n"])
    if hours > MAX_HOURS:
        raise ValueError(
            f"{hours:g} hours is more than a month has; give the hours for the next month only."
        )
    return hours


def parse_meeting_date(text: str, today: date) -> date:
    """A meeting date: YYYY-MM-DD, 'today' or 'tomorrow'; raises ValueError with a hint."""
    typed = text.strip().lower()
    if typed == "today":
        return today
    if typed == "tomorrow":
        return today + timedelta(days=1)
    if not _ISO_DATE.match(typed):
        raise ValueError(DATE_HINT)
    try:
        return date.fromisoformat(typed)
    except ValueError:
        raise ValueError(f"{typed} is not a real date; check the month and the day.") from None


def about_hours(hours: float) -> str:
    """Hours in words, such as 'about 14 hours' or 'about 1 hour'."""
    rounded = round(hours, 1)
    return f"about {rounded:g} hour{'' if rounded == 1 else 's'}"


def day_text(when: date) -> str:
    """A meeting date as people say it in the UK, for example Thursday 14 November 2026."""
    return f"{when:%A} {when.day} {when:%B %Y}"


# Working the card out -------------------------------------------------------------


def check_capacity(offers: Sequence[Offer], available: float | None) -> Capacity | None:
    """Compare the hours the offers need with the hours available, in plain words."""
    if available is None or not offers:
        return None
    needed = total_offered(offers) or 0.0
    over = needed > available + 1e-9
    if needed == 0:
        message = "Your offers need no extra time next month."
    elif over and available == 0:
        message = (
            f"Your offers need {about_hours(needed)} next month, but you have no time for them. "
            "That is over-promising: offer less, or say what you will drop to make time."
        )
    elif over:
        message = (
            f"Your offers need {about_hours(needed)} next month, but you have "
            f"{about_hours(available)}. That is over-promising: offer less, or say what you "
            "will drop to make time."
        )
    elif abs(available - needed) < 0.05:
        message = (
            f"Your offers need {about_hours(needed)} next month, and you have "
            f"{about_hours(available)}. That fits, but with nothing to spare."
        )
    else:
        message = (
            f"Your offers need {about_hours(needed)} next month, and you have "
            f"{about_hours(available)}. That fits, with {about_hours(available - needed)} "
            "to spare."
        )
    return Capacity(needed=needed, available=available, over=over, message=message)


def choose_focus(framework: Framework, card: PrepCard) -> list[Focus]:
    """The two lowest quick-check scores (ties in framework order), with what good looks like.

    Competencies marked `when: after-meeting` are never picked: they are worked on after
    the meeting, not in it.
    """
    result = score_assessment(framework, card.check.answers, quick=True)
    scored = [
        (r.score, index, r.id)
        for index, r in enumerate(result.competencies)
        if r.score is not None and framework.competency(r.id).in_meeting
    ]
    scored.sort(key=lambda entry: (entry[0], entry[1]))
    top_band = framework.bands[-1].id
    chosen: list[Focus] = []
    for score, _, competency_id in scored[:FOCUS_COUNT]:
        competency = framework.competency(competency_id)
        behaviour = competency.descriptors.get(top_band) or competency.actions[0]
        chosen.append(
            Focus(
                id=competency_id,
                name=competency.name,
                score=score,
                band_name=band_for(score, framework.bands).name,
                behaviour=behaviour.strip(),
            )
        )
    return chosen


def finish_card(framework: Framework, card: PrepCard, card_id: str, when: datetime) -> PrepCard:
    """The finished card: its id and date, and the focus chosen from the quick check."""
    return card.model_copy(
        update={
            "id": card_id,
            "finished": when,
            "focus": choose_focus(framework, card),
            "check": card.check.model_copy(update={"finished": when, "skipped": []}),
        }
    )


def total_offered(offers: Sequence[Offer]) -> float | None:
    """The hours all the offers need, as the capacity check counts them; None without offers."""
    if not offers:
        return None
    return sum(offer.hours or 0.0 for offer in offers)


def focus_note(card: PrepCard) -> str | None:
    """What the card says when it has no focus: no answers, or only after-meeting skills."""
    if card.focus:
        return None
    answered = any(isinstance(answer, int) for answer in card.check.answers.values())
    return AFTER_MEETING_NOTE if answered else NO_ANSWERS_NOTE


def _lower_first(text: str) -> str:
    """'Knowing my offer' -> 'knowing my offer', but leave 'GP visits' alone."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def reflection_questions(card: PrepCard) -> list[tuple[str, str]]:
    """The after-meeting questions as (key, question): one per focus, then two more."""
    asked = [(f.id, f"How did it go on {_lower_first(f.name)}?") for f in card.focus]
    return [*asked, (LEARNED, LEARNED_QUESTION), (DIFFERENTLY, DIFFERENTLY_QUESTION)]


def after_questions(card: PrepCard) -> list[str]:
    """The three questions to ask yourself after the meeting, as the card prints them."""
    names = [_lower_first(f.name) for f in card.focus]
    if len(names) == FOCUS_COUNT:
        first = f"How did it go on my two focus areas: {names[0]}, and {names[1]}?"
    elif names:
        first = f"How did it go on {names[0]}?"
    else:
        first = "How did it go on the skills I wanted to work on?"
    return [first, LEARNED_QUESTION, DIFFERENTLY_QUESTION]


def reflection_view(card: PrepCard, reflection: Reflection) -> ReflectionView:
    """A card's reflection with its questions, for the card and the development report."""
    questions = dict(reflection_questions(card))
    answers = [
        Labelled(label=questions.get(key, key), text=text)
        for key, text in reflection.answers.items()
        if text.strip()
    ]
    assert card.meeting is not None and card.meeting_date is not None
    return ReflectionView(
        card_id=card.id,
        meeting=card.meeting,
        meeting_date=card.meeting_date,
        meeting_when=day_text(card.meeting_date),
        written=reflection.written,
        answers=answers,
    )


def _answer(card: PrepCard, question_id: str) -> str | None:
    return (card.answers.get(question_id) or "").strip() or None


def build_card(card: PrepCard) -> CardView:
    """Everything the renderers show for a finished prep card."""
    if card.meeting is None or card.meeting_date is None:
        raise ValueError("the prep card is not finished")
    known = {*CARD_LABELS, OFFER_QUESTION, PARTNERS_QUESTION}
    other = [
        Labelled(label=card.questions.get(key, key), text=text.strip())
        for key, text in card.answers.items()
        if key not in known and text.strip()
    ]
    offers = list(card.offers or [])
    return CardView(
        card_id=card.id,
        framework_id=card.framework_id,
        framework_title=card.framework_title,
        framework_version=card.framework_version,
        made=card.finished or card.started,
        meeting=card.meeting,
        meeting_date=card.meeting_date,
        meeting_when=day_text(card.meeting_date),
        role=_answer(card, "role-summary"),
        expect=_answer(card, "expect"),
        offers=offers,
        hours_offered=total_offered(offers),
        hours_available=card.hours_available,
        capacity=check_capacity(offers, card.hours_available),
        not_promise=_answer(card, "not-promise"),
        partners=list(card.partners or []),
        partners_note=_answer(card, PARTNERS_QUESTION),
        key_partners=_answer(card, "key-partners"),
        room=_answer(card, "room"),
        focus=list(card.focus),
        focus_note=focus_note(card),
        other=other,
        after_questions=after_questions(card),
        reflective_prompts=list(card.reflective_prompts),
        after_command=f"goodpartners prep --after {card.id}",
        reflection=reflection_view(card, card.reflection) if card.reflection else None,
    )


def select_reflections(
    cards: Iterable[PrepCard],
    framework_id: str,
    until: datetime,
    since: datetime | None,
    last: int = LAST_REFLECTIONS,
) -> list[PrepCard]:
    """Cards whose reflection belongs in a report: written since the previous assessment
    and by this one, or the last few when there is no previous assessment."""
    written = sorted(
        (
            card
            for card in cards
            if card.reflection is not None
            and card.framework_id == framework_id
            and card.reflection.written <= until
        ),
        key=lambda card: (card.reflection.written if card.reflection else until, card.id),
    )
    if since is not None:
        return [c for c in written if c.reflection is not None and c.reflection.written > since]
    return written[-last:]
