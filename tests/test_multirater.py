"""multirater.py: a hand-scored 360 fixture, the anonymity rule as a reader would attack it,
and the gaps and agreement."""

from __future__ import annotations

import csv
import itertools
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodpartners.frameworks import load_framework
from goodpartners.models import Answer, Framework
from goodpartners.multirater import (
    OthersView,
    Rating,
    agreement,
    known_words,
    others_view,
    rater_group,
    rater_scores,
)
from goodpartners.render.otherswords import findings

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "exports" / "360.csv"


@pytest.fixture(scope="module")
def minimal() -> Framework:
    return load_framework(str(DATA / "framework.minimal.yaml"))


# --- the hand scoring: plain arithmetic, nothing from the module ---------------------------


def hand_score(a: str, b: str, c_reversed: str) -> float | None:
    """Three statements, the third reverse keyed (6 - x on a 1-5 scale); 2 of 3 needed."""
    values = [int(a) if a else None, int(b) if b else None]
    values.append(6 - int(c_reversed) if c_reversed else None)
    answered = [v for v in values if v is not None]
    if len(answered) < 2:
        return None
    return sum(answered) / len(answered)


HAND_GROUP = {
    "self": "self",
    "Self": "self",
    "SELF": "self",
    "peer": "peer",
    "Peer": "peer",
    "colleague": "peer",
    "team member": "peer",
    "partner": "partner",
    "PARTNER": "partner",
    "Partner agency": "partner",
    "manager": "manager",
    "Line manager": "manager",
    "supervisor": "manager",
}


HandRow = tuple[str, list[float | None]]


def read_fixture() -> dict[str, list[HandRow]]:
    """Subject -> [(group, c1 score, c2 score)], in file order, scored by hand."""
    subjects: dict[str, list[HandRow]] = {}
    with FIXTURE.open(newline="") as f:
        for row in csv.DictReader(f):
            c1 = hand_score(row["c1-1"], row["c1-2"], row["c1-3"])
            c2 = hand_score(row["c2-1"], row["c2-2"], row["c2-3"])
            subjects.setdefault(row["subject"], []).append(
                (HAND_GROUP[row["relationship"]], [c1, c2])
            )
    return subjects


def module_ratings(framework: Framework, subject: str) -> list[Rating]:
    """The same rows, scored by the module's rater_scores (the self-assessment rules)."""
    words = known_words()
    ratings = []
    with FIXTURE.open(newline="") as f:
        for row in csv.DictReader(f):
            if row["subject"] != subject:
                continue
            answers: dict[str, Answer] = {k: int(v) for k, v in row.items() if "-" in k and v}
            group = rater_group(row["relationship"], words)
            assert group is not None
            ratings.append(Rating(group=group, scores=rater_scores(framework, answers)))
    return ratings


# Which groups are shown, per subject and competency, decided by hand from the rule in
# the module's docstring (min_raters 3). "others" lists its rater count when shown.
SHOWN: dict[str, dict[str, tuple[set[str], int | None]]] = {
    # 3 peers (one skips c2), 3 partners, a manager. c2: 2 peers are hidden, so partners
    # are folded in too (a pool of 2 could be subtracted out).
    "Ana": {"c1": ({"manager", "peer", "partner"}, 7), "c2": ({"manager"}, 6)},
    # 2 peers and 1 partner: only others (3).
    "Ben": {"c1": (set(), 3), "c2": (set(), 3)},
    # 2 raters in all: self alone.
    "Cat": {"c1": (set(), None), "c2": (set(), None)},
    "Dan": {"c1": ({"peer", "partner"}, 9), "c2": ({"peer", "partner"}, 9)},
    # 2 peers hidden, so partners (3) are folded in with them; manager shown.
    "Eve": {"c1": ({"manager"}, 6), "c2": ({"manager"}, 6)},
    "Fay": {"c1": ({"manager"}, None), "c2": ({"manager"}, None)},
    "Gus": {"c1": ({"manager", "peer"}, 5), "c2": ({"manager", "peer"}, 5)},
    # a manager and 2 peers: others less the manager would give the 2 peers' mean.
    "Hal": {"c1": ({"manager"}, None), "c2": ({"manager"}, None)},
}

# The gap kinds, worked out by hand from the shown (one-decimal) scores.
GAPS: dict[tuple[str, str], tuple[str | None, float]] = {
    ("Ana", "c1"): ("blind spot", 5 - 3.0),  # others 21/7
    ("Ana", "c2"): (None, 3 - 3.3),  # others 20/6
    ("Ben", "c1"): ("worth a conversation", 4 - 3.3),  # others 10/3
    ("Ben", "c2"): ("hidden strength", 2 - 3.3),
    ("Dan", "c1"): ("hidden strength", 3 - 4.1),  # others (4+4+5+4+3 + 13/3+5+4+4)/9
    ("Dan", "c2"): (None, 4 - 4.4),  # others 40/9
    ("Eve", "c1"): ("hidden strength", 2 - 3.0),  # others 18/6
    ("Eve", "c2"): ("blind spot", 5 - 3.3),  # others 20/6
    ("Gus", "c1"): (None, 0.0),
    ("Gus", "c2"): (None, 0.0),
}


def hand_mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@pytest.mark.parametrize("subject", sorted(SHOWN))
def test_fixture_scored_by_hand(minimal: Framework, subject: str) -> None:
    rows = read_fixture()[subject]
    view = others_view(minimal, subject, module_ratings(minimal, subject), min_raters=3)
    for position, comp in enumerate(view.competencies, start=1):
        groups, others_n = SHOWN[subject][comp.id]
        column = [(group, scores[position - 1]) for group, scores in rows]
        selfs = [score for group, score in column if group == "self"]
        assert comp.self_score == pytest.approx(selfs[0])
        for group in comp.groups:
            scores = [score for name, score in column if name == group.group]
            assert group.n == sum(s is not None for s in scores)
            assert group.shown == (group.group in groups)
            expected = hand_mean(scores) if group.group in groups else None
            assert group.mean == pytest.approx(expected)
        others = [score for name, score in column if name != "self"]
        assert comp.others_shown == (others_n is not None)
        if others_n is None:
            assert comp.others is None and comp.gap is None and comp.agreement is None
        else:
            assert comp.others_n == others_n
            assert comp.others == pytest.approx(hand_mean(others))
            kind, gap = GAPS[(subject, comp.id)]
            assert comp.gap_kind == kind
            assert comp.gap == pytest.approx(gap)


def test_two_peers_and_one_partner_show_only_others(minimal: Framework) -> None:
    view = others_view(minimal, "Ben", module_ratings(minimal, "Ben"))
    for comp in view.competencies:
        assert [g.group for g in comp.groups if g.shown] == []
        assert (comp.others_shown, comp.others_n) == (True, 3)
    assert view.notes == [
        "3 people rated you. 'Others' is the average of everyone but you, each person "
        "counting the same.",
        "Peers and partners are shown as groups only when each has at least 3 people, and "
        "showing them would not let anyone work out a smaller group. Otherwise they are "
        "counted in 'others' only.",
    ]


def test_two_raters_in_all_show_self_alone(minimal: Framework) -> None:
    view = others_view(minimal, "Cat", module_ratings(minimal, "Cat"))
    assert not view.any_shown
    assert all(not g.shown for c in view.competencies for g in c.groups)
    assert [c.self_score for c in view.competencies] == [3.0, 3.0]
    assert view.notes == [
        "1 person rated you. Others' ratings are shown only when at least 3 people give "
        "them (not counting a manager), so that no one's answers can be picked out. Ask "
        "more colleagues or partners to rate you next time."
    ]


def test_manager_is_said_to_be_the_managers(minimal: Framework) -> None:
    view = others_view(minimal, "Fay", module_ratings(minimal, "Fay"))
    assert view.competencies[0].groups[0].mean == 3.0
    assert "Your manager's score is shown as your manager's: it is not anonymous." in view.notes


def test_agreement_by_hand() -> None:
    # Ana c1: [3, 3, 2, 4, 3, 3, 3]: variance (1 + 1) / 6; uniform null on 5 points is 2.
    assert agreement([3, 3, 2, 4, 3, 3, 3], 5) == pytest.approx(1 - (2 / 6) / 2)
    # Eve c1: [1, 5, 3, 4, 3, 2]: variance 10 / 5 = 2, as wide as the null: 0.
    assert agreement([1, 5, 3, 4, 3, 2], 5) == 0.0
    assert agreement([1, 5], 5) == 0.0  # 8 / 2 = 4 over the null: taken as 0
    assert agreement([3], 5) is None


def test_low_agreement_is_noted(minimal: Framework) -> None:
    view = others_view(minimal, "Eve", module_ratings(minimal, "Eve"))
    # Eve c2: [3, 2, 4, 4, 3, 4], mean 10/3: squares 1/9 + 16/9 + 4/9 + 4/9 + 1/9 + 4/9 = 30/9,
    # variance 30/9 / 5 = 2/3, r_wg 1 - (2/3) / 2 = 2/3, below 0.7 too.
    assert [c.id for c in view.low_agreement] == ["c1", "c2"]
    assert view.competencies[1].agreement == 0.67  # 2 / 3, to two decimals
    ana = others_view(minimal, "Ana", module_ratings(minimal, "Ana"))
    assert ana.competencies[0].agreement == 0.83  # 1 - (2 / 6) / 2, to two decimals
    # Ana c2: [3, 4, 4, 3, 4, 2], the same spread as Eve's c2: 2/3.
    assert [c.id for c in ana.low_agreement] == ["c2"]


@pytest.mark.parametrize("peers", [3, 4])
def test_with_fewer_than_5_raters_low_agreement_is_a_note_without_the_figure(
    minimal: Framework, peers: int
) -> None:
    """With 3 or 4 raters, a two-decimal spread beside their mean often pins down each
    score, so the report says they disagree but gives no figure."""
    scores = [1.0, 5.0, 1.0, 5.0][:peers]  # far apart: r_wg 0
    ratings = [Rating("self", {"c1": 3.0, "c2": 3.0})] + [
        Rating("peer", {"c1": score, "c2": 3.0}) for score in scores
    ]
    view = others_view(minimal, "Joe", ratings)
    assert [c.id for c in view.low_agreement] == ["c1"]
    assert view.competencies[0].agreement is None
    assert view.competencies[1].agreement is None  # full agreement, still no figure
    (finding,) = [f for f in findings(view) if f.key == "agreement"]
    assert finding.lines == ["Competency one."]


def test_from_5_raters_the_agreement_figure_is_given(minimal: Framework) -> None:
    ratings = [Rating("peer", {"c1": s, "c2": 3.0}) for s in [1.0, 5.0, 1.0, 5.0, 3.0]]
    view = others_view(minimal, "Joe", ratings)
    assert view.competencies[0].agreement == 0.0  # variance 4 over the null 2: taken as 0
    assert view.competencies[1].agreement == 1.0


@pytest.mark.parametrize(
    ("word", "group"),
    [
        ("Self", "self"),
        ("  LINE   manager ", "manager"),
        ("line_manager", "manager"),
        ("Colleague", "peer"),
        ("partner-agency", "partner"),
        ("Probation officer", "partner"),
        ("friend", None),
    ],
)
def test_rater_words(word: str, group: str | None) -> None:
    words = known_words({"Probation Officer": "partner"})
    assert rater_group(word, words) == group


def test_thresholds_come_from_the_framework(minimal: Framework) -> None:
    strict = minimal.model_copy(
        update={"scoring": minimal.scoring.model_copy(update={"blind_spot": 2.5})}
    )
    view = others_view(strict, "Eve", module_ratings(strict, "Eve"))
    # Eve c2: 5 - 3.3 = 1.7, below 2.5 but at least 0.5.
    assert view.competencies[1].gap_kind == "worth a conversation"


def test_two_self_ratings_are_refused(minimal: Framework) -> None:
    rating = Rating(group="self", scores={"c1": 3.0, "c2": 3.0})
    with pytest.raises(ValueError, match="only one self rating"):
        others_view(minimal, "x", [rating, rating])


# --- properties ----------------------------------------------------------------------------


def in_span(vectors: list[list[Fraction]], target: list[Fraction]) -> bool:
    """Whether target is a linear combination of vectors (exact Gaussian elimination)."""
    rows = [list(v) for v in vectors]
    pivots: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        for col, prow in pivots:
            if row[col]:
                factor = row[col] / prow[col]
                row = [a - factor * b for a, b in zip(row, prow, strict=True)]
        lead = next((i for i, x in enumerate(row) if x), None)
        if lead is not None:
            pivots.append((lead, row))
    rest = list(target)
    for col, prow in pivots:
        if rest[col]:
            factor = rest[col] / prow[col]
            rest = [a - factor * b for a, b in zip(rest, prow, strict=True)]
    return not any(rest)


def derivable_small_sets(
    groups: list[str], scored: list[bool], comp: int, view: OthersView, min_raters: int
) -> list[tuple[int, ...]]:
    """Sets of fewer than min_raters non-manager raters whose mean a reader can work out.

    The reader knows, for every shown mean, the sum of its raters' scores (mean x count):
    each shown group, others, and the manager. Any set whose indicator is a combination of
    those is known. Indices are of the non-self raters who scored this competency.
    """
    shown = view.competencies[comp]
    people = [i for i, (g, s) in enumerate(zip(groups, scored, strict=True)) if s]
    vectors = []
    for group in shown.groups:
        if group.shown:
            vectors.append([Fraction(groups[i] == group.group) for i in people])
    if shown.others_shown:
        vectors.append([Fraction(1)] * len(people))
    non_manager = [k for k, i in enumerate(people) if groups[i] != "manager"]
    found = []
    for size in range(1, min_raters):
        for subset in itertools.combinations(non_manager, size):
            # The manager's score is known whenever it is shown, so it can be added freely.
            target = [Fraction(k in subset) for k in range(len(people))]
            if in_span(vectors, target):
                found.append(subset)
    return found


rater_lists = st.lists(
    st.tuples(
        st.sampled_from(["manager", "peer", "partner"]),
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=2, max_size=2),
    ),
    max_size=9,
)


def ratings_from(raters: list[tuple[str, list[int | None]]]) -> list[Rating]:
    ratings = [Rating(group="self", scores={"c1": 3.0, "c2": 3.0})]
    for group, (a, b) in raters:
        ratings.append(
            Rating(
                group=group,
                scores={"c1": None if a is None else float(a), "c2": None if b is None else b},
            )
        )
    return ratings


@settings(max_examples=150, deadline=None)
@given(raters=rater_lists, min_raters=st.integers(2, 4))
def test_suppression_never_reveals_a_small_set(
    minimal: Framework, raters: list[tuple[str, list[int | None]]], min_raters: int
) -> None:
    view = others_view(minimal, "x", ratings_from(raters), min_raters)
    groups = [g for g, _ in raters]
    for comp in range(2):
        scored = [scores[comp] is not None for _, scores in raters]
        assert derivable_small_sets(groups, scored, comp, view, min_raters) == []
        for group in view.competencies[comp].groups:
            if group.shown and group.group != "manager":
                assert group.n >= min_raters
        if view.competencies[comp].others_shown:
            assert view.competencies[comp].others_n >= min_raters


@settings(max_examples=100, deadline=None)
@given(raters=rater_lists, data=st.data())
def test_rater_order_changes_nothing(
    minimal: Framework, raters: list[tuple[str, list[int | None]]], data: st.DataObject
) -> None:
    ratings = ratings_from(raters)
    shuffled = data.draw(st.permutations(ratings))
    first = others_view(minimal, "x", ratings)
    again = others_view(minimal, "x", shuffled)
    # Sums are exactly rounded (math.fsum), so the order of the raters cannot matter at all.
    assert first == again


def test_only_a_manager_rated_you_is_said_plainly(minimal: Framework) -> None:
    ratings = [Rating("self", {"c1": 4.0, "c2": 4.0}), Rating("manager", {"c1": 3.0, "c2": 3.0})]
    assert others_view(minimal, "Ann", ratings).notes == [
        "Only your manager rated you. Others' ratings are shown only when at least 3 "
        "people give them (not counting a manager), so that no one's answers can be picked "
        "out. Ask colleagues or partners to rate you next time.",
        "Your manager's score is shown as your manager's: it is not anonymous.",
    ]
    assert others_view(minimal, "Ann", ratings, min_raters=1).notes[0] == (
        "Only your manager rated you. Others' ratings are shown only when at least 1 "
        "person gives them (not counting a manager), so that no one's answers can be "
        "picked out. Ask colleagues or partners to rate you next time."
    )
