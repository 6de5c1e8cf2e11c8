"""The meeting prep card without the CLI: parsing, capacity, focus, reflections, goldens."""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from goodpartners.models import Framework, Offer, PrepCard, Reflection
from goodpartners.personal.prep import (
    build_card,
    check_capacity,
    choose_focus,
    finish_card,
    parse_hours,
    parse_meeting_date,
    reflection_questions,
    select_reflections,
)
from goodpartners.render import ReportFormat, render_card
from tests.conftest import CARD_WHEN, GOLDEN, make_prep_card

SUFFIX = {
    ReportFormat.terminal: "txt",
    ReportFormat.md: "md",
    ReportFormat.html: "html",
    ReportFormat.json: "json",
}
TODAY = date(2026, 11, 10)


# Parsing what people type ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "hours"),
    [("4", 4.0), ("1.5", 1.5), (" 6 ", 6.0), ("6h", 6.0), ("about 6 hours", 6.0), ("0", 0.0)],
)
def test_parse_hours_accepts_plain_numbers(typed: str, hours: float) -> None:
    assert parse_hours(typed) == hours


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("", "Type a number, for example 4 or 1.5."),
        ("abc", "'abc' is not a number of hours; type a number, for example 4 or 1.5."),
        ("-3", "Hours cannot be less than 0; type a number, for example 4 or 1.5."),
        ("800", "800 hours is more than a month has; give the hours for the next month only."),
        ("4 hours a week", "Type the hours for the whole month: 4 hours a week is about 17."),
    ],
)
def test_parse_hours_refuses_with_a_one_line_hint(typed: str, hint: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(hint)}$"):
        parse_hours(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-12", date(2026, 11, 12)),
        ("today", TODAY),
        ("Tomorrow", TODAY + timedelta(days=1)),
    ],
)
def test_parse_meeting_date(typed: str, expected: date) -> None:
    assert parse_meeting_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("12/11/2026", "Type the date as YYYY-MM-DD, for example 2026-11-14, or type today or"),
        ("next week", "Type the date as YYYY-MM-DD"),
        ("2026-02-30", "2026-02-30 is not a real date; check the month and the day."),
    ],
)
def test_parse_meeting_date_refuses_with_a_hint(typed: str, hint: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(hint)}"):
        parse_meeting_date(typed, TODAY)


# Offers against capacity ------------------------------------------------------------


def offers(*hours: float) -> list[Offer]:
    return [Offer(text=f"Offer {n}", hours=h) for n, h in enumerate(hours, start=1)]


@pytest.mark.parametrize(
    ("needed", "available", "over", "message"),
    [
        (
            (8, 6),
            6,
            True,
            "Your offers need about 14 hours next month, but you have about 6 hours. "
            "That is over-promising: offer less, or say what you will drop to make time.",
        ),
        (
            (2, 3),
            8,
            False,
            "Your offers need about 5 hours next month, and you have about 8 hours. "
            "That fits, with about 3 hours to spare.",
        ),
        (
            (1,),
            1,
            False,
            "Your offers need about 1 hour next month, and you have about 1 hour. "
            "That fits, but with nothing to spare.",
        ),
        (
            (2.5,),
            0,
            True,
            "Your offers need about 2.5 hours next month, but you have no time for them. "
            "That is over-promising: offer less, or say what you will drop to make time.",
        ),
        ((0,), 0, False, "Your offers need no extra time next month."),
    ],
)
def test_capacity_flags_over_promising_in_plain_words(
    needed: tuple[float, ...], available: float, over: bool, message: str
) -> None:
    capacity = check_capacity(offers(*needed), available)
    assert capacity is not None
    assert capacity.over is over
    assert capacity.message == message


def test_capacity_needs_offers_and_hours() -> None:
    assert check_capacity([], 6) is None
    assert check_capacity(offers(3), None) is None


# Focus competencies --------------------------------------------------------------


def test_focus_is_the_two_lowest_quick_check_scores(framework: Framework) -> None:
    card = make_prep_card(framework)
    # offer 2 and realistic 2 are the lowest; know-partners is n/a, so not scored.
    assert [f.id for f in card.focus] == ["offer", "realistic"]
    assert card.focus[0].behaviour == framework.competency("offer").descriptors["strength"]
    assert card.focus[0].band_name == "Area to develop"


def test_focus_ties_go_by_framework_order(framework: Framework) -> None:
    card = PrepCard.start(framework)
    card.check.answers = {item.id: 3 for _, item in framework.items() if item.quick}
    card.check.answers["soft-skills-1"] = 1
    assert [f.id for f in choose_focus(framework, card)] == ["soft-skills", "role"]


def test_focus_leaves_out_what_was_not_answered(framework: Framework) -> None:
    card = PrepCard.start(framework)
    assert choose_focus(framework, card) == []
    card.check.answers = {"present-1": 2}
    assert [f.id for f in choose_focus(framework, card)] == ["present"]


def test_focus_never_picks_an_after_meeting_competency(framework: Framework) -> None:
    # reflective scores lowest, but it is marked 'when: after-meeting' in the framework.
    card = PrepCard.start(framework)
    card.check.answers = {item.id: 3 for _, item in framework.items() if item.quick}
    card.check.answers["reflective-1"] = 1
    card.check.answers["soft-skills-1"] = 2
    assert [f.id for f in choose_focus(framework, card)] == ["soft-skills", "role"]


def test_card_says_so_when_only_after_meeting_skills_were_scored(framework: Framework) -> None:
    card = make_prep_card(framework, reflected=False)
    card.check.answers = {"reflective-1": 1, "know-partners-1": "n/a"}
    card = finish_card(framework, card, card.id, CARD_WHEN)
    assert card.focus == []
    view = build_card(card)
    assert view.focus_note == (
        "No focus for the meeting itself: the skills your quick check scored are ones to work "
        "on after the meeting, so use the questions below when it is over."
    )
    assert view.after_questions[0] == "How did it go on the skills I wanted to work on?"
    for fmt in ReportFormat:
        flat = " ".join(render_card(view, fmt, width=80).split())
        assert "No focus for the meeting itself: the skills your quick check scored" in flat
        assert "the quick check had no answers to go on" not in flat
    assert json.loads(render_card(view, ReportFormat.json))["focus_note"] == view.focus_note


def test_reflection_questions_ask_about_each_focus(framework: Framework) -> None:
    card = make_prep_card(framework)
    assert reflection_questions(card) == [
        ("offer", "How did it go on knowing my offer?"),
        ("realistic", "How did it go on being realistic about resources?"),
        ("learned", "What did I learn about the partners?"),
        ("differently", "What will I do differently next time?"),
    ]


# Which reflections a report shows -------------------------------------------------


def reflected(framework: Framework, day: int, framework_id: str = "good-partners") -> PrepCard:
    when = datetime(2026, 10, day, 12, 0, tzinfo=timezone.utc)
    card = make_prep_card(framework, card_id=f"202610{day:02d}-120000", when=when)
    assert card.reflection is not None
    return card.model_copy(
        update={
            "framework_id": framework_id,
            "reflection": Reflection(written=when, answers=card.reflection.answers),
        }
    )


def test_reflections_since_the_previous_assessment(framework: Framework) -> None:
    cards = [reflected(framework, day) for day in (1, 5, 9, 20)]
    cards.append(make_prep_card(framework, card_id="no-reflection", reflected=False))
    cards.append(reflected(framework, 6, framework_id="another"))
    since = datetime(2026, 10, 4, tzinfo=timezone.utc)
    until = datetime(2026, 10, 10, tzinfo=timezone.utc)
    chosen = select_reflections(cards, "good-partners", until, since)
    assert [c.id for c in chosen] == ["20261005-120000", "20261009-120000"]


def test_reflections_without_a_previous_assessment_are_the_last_three(
    framework: Framework,
) -> None:
    cards = [reflected(framework, day) for day in (1, 5, 9, 12, 20)]
    until = datetime(2026, 10, 15, tzinfo=timezone.utc)
    chosen = select_reflections(cards, "good-partners", until, None)
    assert [c.id for c in chosen] == ["20261005-120000", "20261009-120000", "20261012-120000"]


# The card ---------------------------------------------------------------------------


def test_every_format_has_a_golden_suffix() -> None:
    assert set(SUFFIX) == set(ReportFormat)


@pytest.mark.parametrize("fmt", list(ReportFormat), ids=lambda f: f.value)
def test_card_matches_golden(fmt: ReportFormat, fixed_card: PrepCard) -> None:
    text = render_card(build_card(fixed_card), fmt, color=False, width=80)
    golden = GOLDEN / f"prep.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_card_shows_what_the_issue_asks_for(fixed_card: PrepCard) -> None:
    text = render_card(build_card(fixed_card), ReportFormat.terminal)
    flat = " ".join(text.split())
    for section in (
        "Meeting prep card: Case review for J.S.",
        "When: Thursday 15 October 2026",
        "My role I am J's key worker",
        "My offer and its limits",
        "What I will not promise: Money for a deposit.",
        "The partners Housing Options - housing officer",
        "To find out: Whether J is on the housing register yet",
        "In the meeting, focus on 1. Knowing my offer",
        "After the meeting, ask yourself - How did it go on my two focus areas: knowing my "
        "offer, and being realistic about resources?",
        "- What did I learn about the partners? - What will I do differently next time?",
        "- Do I share my experience of working with partners",
        "My reflection after the meeting",
    ):
        assert section in flat, section
    assert "Warning: Your offers need about 14 hours next month, but you have about 6" in flat


def hours_card(framework: Framework, available: float | None) -> PrepCard:
    card = make_prep_card(framework)
    # 2.5 + 1.5 + 3 = 7 hours offered.
    card.offers = [
        Offer(text="Key-work session", hours=2.5),
        Offer(text="Phone the GP", hours=1.5),
        Offer(text="Go to the panel", hours=3),
    ]
    card.hours_available = available
    return card


@pytest.mark.parametrize(
    ("fmt", "offered", "have"),
    [
        (
            ReportFormat.terminal,
            "Total offered: about 7 hours",
            "Hours I have: about 10 hours",
        ),
        (ReportFormat.md, "| **Total offered** | about 7 |", "| **Hours I have** | about 10 |"),
        (
            ReportFormat.html,
            '<tr><th scope="row">Total offered</th><td class="num">about 7</td></tr>',
            '<tr><th scope="row">Hours I have</th><td class="num">about 10</td></tr>',
        ),
        (ReportFormat.json, '"hours_offered": 7.0,', '"hours_available": 10.0,'),
    ],
    ids=lambda v: v.value if isinstance(v, ReportFormat) else "",
)
def test_hours_table_shows_the_total_offered_and_the_hours_i_have(
    framework: Framework, fmt: ReportFormat, offered: str, have: str
) -> None:
    text = render_card(build_card(hours_card(framework, 10)), fmt, width=80)
    # Whole lines, except in JSON, where the keys sit among others.
    found = text if fmt is ReportFormat.json else text.splitlines()
    assert offered in found
    assert have in found
    assert "That fits, with about 3 hours to spare." in " ".join(text.split())


@pytest.mark.parametrize(
    ("fmt", "have"),
    [
        (ReportFormat.terminal, "Hours I have: not given"),
        (ReportFormat.md, "| **Hours I have** | not given |"),
        (
            ReportFormat.html,
            '<tr><th scope="row">Hours I have</th><td class="num">not given</td></tr>',
        ),
    ],
    ids=lambda v: v.value if isinstance(v, ReportFormat) else "",
)
def test_hours_table_says_when_the_hours_i_have_are_not_given(
    framework: Framework, fmt: ReportFormat, have: str
) -> None:
    view = build_card(hours_card(framework, None))
    assert (view.hours_offered, view.hours_available, view.capacity) == (7.0, None, None)
    assert have in render_card(view, fmt, width=80).splitlines()


def test_hours_totals_are_left_out_without_offers(framework: Framework) -> None:
    card = hours_card(framework, 10)
    card.offers = []
    view = build_card(card)
    assert view.hours_offered is None
    for fmt in ReportFormat:
        text = render_card(view, fmt, width=80)
        assert "Total offered" not in text and "Hours I have" not in text


def test_terminal_card_fits_80_columns_with_colour_only_when_asked(fixed_card: PrepCard) -> None:
    plain = render_card(build_card(fixed_card), ReportFormat.terminal)
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert "\x1b[" not in plain
    assert "\x1b[" in render_card(build_card(fixed_card), ReportFormat.terminal, color=True)


def test_json_card_has_hours_and_the_over_promising_flag(fixed_card: PrepCard) -> None:
    data = json.loads(render_card(build_card(fixed_card), ReportFormat.json))
    assert data["kind"] == "prep-card"
    assert data["meeting_date"] == "2026-10-15"
    assert [o["hours"] for o in data["offers"]] == [8.0, 6.0]
    assert data["capacity"]["needed"] == 14.0
    assert data["capacity"]["available"] == 6.0
    assert data["capacity"]["over"] is True
    assert [f["id"] for f in data["focus"]] == ["offer", "realistic"]


def test_html_card_is_self_contained_and_prints_on_a4(fixed_card: PrepCard) -> None:
    html = render_card(build_card(fixed_card), ReportFormat.html)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<link" not in html and "@import" not in html
    assert '<html lang="en-GB">' in html
    assert html.count("<h1>") == 1
    assert "@page { size: A4;" in html
    assert "@media print" in html


def test_html_card_escapes_hostile_text(framework: Framework) -> None:
    card = make_prep_card(framework, meeting="<script>alert(1)</script>")
    card.answers["role-summary"] = '<img src=x onerror="alert(2)">'
    html = render_card(build_card(card), ReportFormat.html)
    assert "<script>" not in html
    assert "<title>Meeting prep card: &lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "<h1>Meeting prep card: &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert "<img" not in html


def test_markdown_card_escapes_pipes_in_tables(framework: Framework) -> None:
    card = make_prep_card(framework)
    assert card.partners is not None
    card.partners[0].objectives = "left | right"
    text = render_card(build_card(card), ReportFormat.md)
    assert "left \\| right" in text


def test_card_without_answers_still_renders(framework: Framework) -> None:
    card = PrepCard.start(framework, when=CARD_WHEN)
    card.meeting, card.meeting_date = "Panel", date(2026, 10, 15)
    for fmt in ReportFormat:
        assert "Panel" in render_card(build_card(card), fmt)
    text = render_card(build_card(card), ReportFormat.terminal)
    assert "No focus yet: the quick check had no answers to go on." in text
    assert "No offers listed." in text


def test_answers_to_other_questions_go_under_other_notes(framework: Framework) -> None:
    card = make_prep_card(framework)
    card.questions["safeguarding"] = "Any safeguarding concerns to raise"
    card.answers["safeguarding"] = "Ask about the visitor ban."
    view = build_card(card)
    assert [(o.label, o.text) for o in view.other] == [
        ("Any safeguarding concerns to raise", "Ask about the visitor ban.")
    ]
    assert "Other notes" in render_card(view, ReportFormat.md)


def test_offer_hours_read_well_for_one_hour_and_for_none(framework: Framework) -> None:
    # The card said "about 1 hours" and "about - hours".
    card = make_prep_card(framework)
    card.offers = [Offer(text="Call J's GP", hours=1), Offer(text="Chase the form", hours=None)]
    view = build_card(card)
    text = render_card(view, ReportFormat.terminal)
    assert "Call J's GP: about 1 hour\n" in text
    assert "Chase the form: hours not given\n" in text
    markdown = render_card(view, ReportFormat.md)
    assert "| Call J's GP | about 1 |" in markdown
    assert "| Chase the form | not given |" in markdown
    assert '<td class="num">not given</td>' in render_card(view, ReportFormat.html)
