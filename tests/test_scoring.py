"""Tests for goodpartners.scoring: reference values, hand-worked examples and properties."""

from __future__ import annotations

import csv
import json
import random
import statistics
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodpartners.frameworks import load_framework
from goodpartners.models import Answer, CompetencyResult, Framework, Scale
from goodpartners.scoring import (
    AlphaAccumulator,
    band_for,
    cronbach_alpha,
    needed_answers,
    reverse,
    reversed_values,
    score_assessment,
    strengths_and_priorities,
)

REFERENCE = Path(__file__).parent / "data" / "reference"


# --- Helpers -----------------------------------------------------------------------------


def build_framework(
    themes: dict[str, dict[str, list[str]]],
    low: int = 1,
    high: int = 5,
    bands: list[tuple[str, float]] | None = None,
    min_answered: float = 0.5,
) -> Framework:
    """A small framework from {theme: {competency: [item, ...]}}.

    An item is its id, optionally followed by ':' and flags: 'r' reverse-keyed, 'q' quick.
    A competency with no 'q' item has its first item as the quick one.
    """
    if bands is None:
        bands = [("concern", low), ("borderline", low + (high - low) / 2), ("strength", high - 1)]
    band_ids = [b for b, _ in bands]
    theme_data = []
    for theme_id, competencies in themes.items():
        competency_data = []
        for competency_id, specs in competencies.items():
            items = []
            for spec in specs:
                item_id, _, flags = spec.partition(":")
                items.append(
                    {"id": item_id, "text": f"I do {item_id}.", "reverse": "r" in flags}
                    | ({"quick": True} if "q" in flags else {})
                )
            if not any(item.get("quick") for item in items):
                items[0]["quick"] = True
            competency_data.append(
                {
                    "id": competency_id,
                    "name": f"Competency {competency_id}",
                    "source": "a phrase",
                    "description": "A description.",
                    "descriptors": {b: f"What {b} looks like." for b in band_ids},
                    "actions": ["Try something."],
                    "prompts": ["Do I do it?"],
                    "items": items,
                }
            )
        theme_data.append(
            {"id": theme_id, "name": f"Theme {theme_id}", "competencies": competency_data}
        )
    return Framework.model_validate(
        {
            "id": "test",
            "version": "1",
            "title": "Test",
            "description": "A test framework.",
            "source": "Tests.",
            "licence": "MIT",
            "scale": {
                "min": low,
                "max": high,
                "labels": {p: f"point {p}" for p in range(low, high + 1)},
            },
            "bands": [{"id": b, "name": b.title(), "min": m, "meaning": "."} for b, m in bands],
            "scoring": {"min_answered": min_answered},
            "themes": theme_data,
        }
    )


def one_competency(low: int = 1, high: int = 5) -> Framework:
    """One competency 'c' with items c1 (quick), c2 and c3 (reverse-keyed)."""
    return build_framework({"t": {"c": ["c1", "c2", "c3:r"]}}, low=low, high=high)


@cache
def shipped() -> Framework:
    return load_framework("good-partners")


@cache
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE / "reference.json").read_text(encoding="utf-8"))
    return data


def read_answers(name: str) -> list[tuple[str, dict[str, Answer]]]:
    """Each respondent's answers from a reference CSV, read with the stdlib csv module."""
    rows = []
    with (REFERENCE / name).open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            respondent = record.pop("respondent")
            answers: dict[str, Answer] = {}
            for item_id, cell in record.items():
                if cell == "n/a":
                    answers[item_id] = "n/a"
                elif cell == "":
                    answers[item_id] = None
                else:
                    answers[item_id] = int(cell)
            rows.append((respondent, answers))
    return rows


def alpha_rows(
    framework: Framework, competency_id: str, answers: list[tuple[str, dict[str, Answer]]]
) -> list[tuple[int | None, ...]]:
    """One competency's item values per respondent, reversed where keyed so, None if missing."""
    items = framework.competency(competency_id).items
    rows = []
    for _, row in answers:
        values = [row.get(item.id) for item in items]
        numbers = [v if isinstance(v, int) else None for v in values]
        rows.append(reversed_values(numbers, [item.reverse for item in items], framework.scale))
    return rows


COMPETENCY_IDS = [c.id for _, c in shipped().competencies()]


# --- Reference values (pingouin and pandas; see tests/data/reference/README.md) -----------


def test_reference_matches_shipped_framework() -> None:
    provenance = reference()["provenance"]
    assert provenance["framework"]["id"] == shipped().id
    assert provenance["framework"]["version"] == shipped().version
    assert list(reference()["full"]["alpha"]) == COMPETENCY_IDS
    header = (REFERENCE / "responses.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == ["respondent", *(i.id for _, i in shipped().items())]


@pytest.mark.parametrize("competency_id", COMPETENCY_IDS)
def test_alpha_matches_pingouin_pairwise(competency_id: str) -> None:
    rows = alpha_rows(shipped(), competency_id, read_answers("responses.csv"))
    expected = reference()["full"]["alpha"][competency_id]
    assert cronbach_alpha(rows) == pytest.approx(expected, rel=0, abs=1e-9)


@pytest.mark.parametrize("competency_id", COMPETENCY_IDS)
def test_alpha_small_case_matches_pingouin_pairwise(competency_id: str) -> None:
    small = reference()["small"]
    rows = alpha_rows(shipped(), competency_id, read_answers("small.csv"))
    alpha = cronbach_alpha(rows)
    assert alpha == pytest.approx(small["alpha_pairwise"][competency_id], rel=0, abs=1e-9)
    if competency_id == small["listwise_competency"]:
        # Missing only as a whole competency: pairwise and listwise deletion agree.
        assert alpha == pytest.approx(small["alpha_listwise"][competency_id], rel=0, abs=1e-9)


def test_alpha_small_case_is_pairwise_not_listwise() -> None:
    # Where values are missing here and there, listwise deletion gives another number;
    # the engine must give pingouin's pairwise one, not that.
    small = reference()["small"]
    answers = read_answers("small.csv")
    differing = [
        c
        for c in COMPETENCY_IDS
        if abs(small["alpha_pairwise"][c] - small["alpha_listwise"][c]) > 0.01
    ]
    assert len(differing) >= 5
    for competency_id in differing:
        alpha = cronbach_alpha(alpha_rows(shipped(), competency_id, answers))
        assert alpha is not None
        assert abs(alpha - small["alpha_listwise"][competency_id]) > 0.01


@pytest.mark.parametrize("competency_id", COMPETENCY_IDS)
def test_alpha_same_whatever_the_row_order_or_flushing(competency_id: str) -> None:
    rows = alpha_rows(shipped(), competency_id, read_answers("responses.csv"))
    baseline = cronbach_alpha(rows)
    assert baseline is not None
    shuffled = list(rows)
    random.Random(competency_id).shuffle(shuffled)
    assert cronbach_alpha(shuffled) == pytest.approx(baseline, rel=0, abs=1e-12)
    assert cronbach_alpha(reversed(rows)) == pytest.approx(baseline, rel=0, abs=1e-12)
    for max_patterns in (1, 2, 7):
        accumulator = AlphaAccumulator(3, max_patterns=max_patterns)
        for row in shuffled:
            accumulator.add(row)
        assert accumulator.alpha() == pytest.approx(baseline, rel=0, abs=1e-12)


def test_alpha_accumulator_weight_counts_as_repeated_rows() -> None:
    rows = alpha_rows(shipped(), "role", read_answers("responses.csv"))
    weighted = AlphaAccumulator(3)
    for row in rows:
        weighted.add(row, weight=2)
    assert weighted.alpha() == pytest.approx(cronbach_alpha(rows + rows), rel=0, abs=1e-12)


@cache
def reference_scores() -> dict[str, dict[str, float | None]]:
    """Per competency, each respondent's score from score_assessment."""
    scores: dict[str, dict[str, float | None]] = {c: {} for c in COMPETENCY_IDS}
    for respondent, answers in read_answers("responses.csv"):
        result = score_assessment(shipped(), answers)
        for competency in result.competencies:
            scores[competency.id][respondent] = competency.score
    return scores


@pytest.mark.parametrize("competency_id", COMPETENCY_IDS)
def test_competency_statistics_match_pandas(competency_id: str) -> None:
    expected = reference()["full"]["competencies"][competency_id]
    by_respondent = reference_scores()[competency_id]
    scores = [s for s in by_respondent.values() if s is not None]
    assert len(by_respondent) == reference()["full"]["respondents"]
    assert len(scores) == expected["n"]
    for name, value in (
        ("mean", statistics.mean(scores)),
        ("sd", statistics.stdev(scores)),
        ("median", statistics.median(scores)),
        ("min", min(scores)),
        ("max", max(scores)),
    ):
        assert value == pytest.approx(expected[name], rel=0, abs=1e-9), name
    not_scored = sorted(r for r, s in by_respondent.items() if s is None)
    assert not_scored == reference()["full"]["not_scored"][competency_id]


def test_reference_not_scored_competencies_give_the_reason() -> None:
    answers = dict(read_answers("responses.csv"))
    reasons = []
    for respondent, competency_id, _ in reference()["full"]["forced_not_scored"]:
        result = score_assessment(shipped(), answers[respondent]).competency(competency_id)
        cells = [answers[respondent][i.id] for i in shipped().competency(competency_id).items]
        answered = sum(isinstance(cell, int) for cell in cells)
        assert result.score is None
        assert answered < 2
        reasons.append(result.reason)
    # The first forced case has one of its two missing items marked 'does not apply'; the
    # generator blanked the third item at random too, so none of the three is answered.
    assert reasons[0] == "only 0 of 3 statements answered; 2 needed (1 marked does not apply)"
    assert reasons[1:] == ["only 1 of 3 statements answered; 2 needed"] * 4


# --- Hand-worked examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "value", "expected"),
    [
        (1, 5, 2, 4),  # 1 + 5 - 2 = 4
        (1, 5, 3, 3),  # the middle stays put: 1 + 5 - 3 = 3
        (1, 5, 5, 1),  # 1 + 5 - 5 = 1
        (0, 4, 1, 3),  # 0 + 4 - 1 = 3
        (0, 4, 0, 4),  # 0 + 4 - 0 = 4
        (1, 7, 2, 6),  # 1 + 7 - 2 = 6
        (1, 7, 7, 1),  # 1 + 7 - 7 = 1
    ],
)
def test_reverse_keyed_value(low: int, high: int, value: int, expected: int) -> None:
    scale = one_competency(low, high).scale
    assert reverse(value, scale) == expected


def test_reverse_keyed_item_counts_turned_round() -> None:
    # c3 is reverse-keyed, so its 2 counts as 4: (4 + 5 + 4) / 3 = 13/3
    result = score_assessment(one_competency(), {"c1": 4, "c2": 5, "c3": 2}).competency("c")
    assert result.score == pytest.approx(13 / 3)
    assert (result.answered, result.asked, result.not_applicable) == (3, 3, 0)
    assert result.band == "strength"  # 4.33 >= 4


def test_reverse_keyed_item_alone_on_shipped_framework() -> None:
    # role-3 is reverse-keyed: answers 2, 2, 2 count as 2, 2, 4: (2 + 2 + 4) / 3 = 8/3
    framework = shipped()
    assert [i.reverse for i in framework.competency("role").items] == [False, False, True]
    result = score_assessment(framework, {"role-1": 2, "role-2": 2, "role-3": 2})
    assert result.competency("role").score == pytest.approx(8 / 3)
    assert result.competency("role").band == "concern"  # 2.67 < 3


def test_one_not_applicable_and_two_answers() -> None:
    # c2 does not apply, so it is left out: c1 = 3, c3 reversed 1 -> 5: (3 + 5) / 2 = 4.0
    result = score_assessment(one_competency(), {"c1": 3, "c2": "n/a", "c3": 1}).competency("c")
    assert result.score == 4.0
    assert (result.answered, result.asked, result.not_applicable) == (2, 3, 1)
    assert result.reason is None
    assert result.band == "strength"


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        # 0.5 of 3 items is 1.5, rounded up to 2 needed.
        (
            {"c1": 4, "c2": "n/a"},
            "only 1 of 3 statements answered; 2 needed (1 marked does not apply)",
        ),
        (
            {"c1": 4, "c2": "n/a", "c3": "n/a"},
            "only 1 of 3 statements answered; 2 needed (2 marked does not apply)",
        ),
        ({"c3": 5}, "only 1 of 3 statements answered; 2 needed"),
        ({}, "only 0 of 3 statements answered; 2 needed"),
    ],
)
def test_below_min_answered_is_not_scored(answers: dict[str, Answer], reason: str) -> None:
    result = score_assessment(one_competency(), answers)
    competency = result.competency("c")
    assert competency.score is None
    assert competency.band is None
    assert competency.reason == reason
    assert result.overall is None
    assert result.overall_band is None
    assert result.strengths == result.priorities == []
    assert result.themes[0].score is None
    assert (result.themes[0].scored, result.themes[0].total) == (0, 1)


@pytest.mark.parametrize(
    ("item_count", "min_answered", "needed"),
    [
        (3, 0.5, 2),  # 1.5 -> 2
        (4, 0.5, 2),  # exactly 2, not 3 through rounding
        (10, 0.3, 3),  # 0.3 * 10 is 3.0000000000000004 in floating point, still 3
        (3, 1.0, 3),
        (1, 0.5, 1),  # the quick check: 0.5 -> 1
        (5, 0.01, 1),  # at least one answer, always
    ],
)
def test_needed_answers(item_count: int, min_answered: float, needed: int) -> None:
    assert needed_answers(item_count, min_answered) == needed


def test_theme_is_mean_of_scored_competencies_and_overall_of_all_scored() -> None:
    framework = build_framework(
        {
            "a": {"a1": ["a1-1", "a1-2"], "a2": ["a2-1", "a2-2"], "a3": ["a3-1", "a3-2"]},
            "b": {"b1": ["b1-1", "b1-2"]},
        }
    )
    answers: dict[str, Answer] = {
        "a1-1": 4,
        "a1-2": 4,  # a1 = (4 + 4) / 2 = 4.0
        "a2-1": 2,
        "a2-2": 3,  # a2 = (2 + 3) / 2 = 2.5
        "a3-1": "n/a",  # a3 = nothing answered, not scored
        "b1-1": 5,
        "b1-2": 5,  # b1 = 5.0
    }
    result = score_assessment(framework, answers)
    theme_a, theme_b = result.themes
    # Theme a: (4.0 + 2.5) / 2 = 3.25; the unscored a3 is left out, not counted as 0.
    assert theme_a.score == 3.25
    assert (theme_a.scored, theme_a.total, theme_a.band) == (2, 3, "borderline")
    assert theme_b.score == 5.0
    # Overall is the mean of the scored competencies, (4 + 2.5 + 5) / 3 = 11.5 / 3 = 3.8333,
    # not the mean of the themes (3.25 + 5) / 2 = 4.125.
    assert result.overall == pytest.approx(11.5 / 3)
    assert result.overall_band == "borderline"


def test_overall_exactly_at_band_min_despite_rounding() -> None:
    # Scores 1, 11/3, 11/3, 11/3: (1 + 11/3 + 11/3 + 11/3) / 4 = (1 + 11) / 4 = 3 exactly,
    # but in floating point
    # it comes out as 2.9999999999999996. It must still reach the band that starts at 3.
    framework = build_framework({"t": {f"c{i}": [f"c{i}-1", f"c{i}-2", f"c{i}-3"] for i in "wxyz"}})
    answers: dict[str, Answer] = {"cw-1": 1, "cw-2": 1, "cw-3": 1}  # (1 + 1 + 1) / 3 = 1
    for c in "xyz":
        answers |= {f"c{c}-1": 4, f"c{c}-2": 4, f"c{c}-3": 3}  # (4 + 4 + 3) / 3 = 11/3
    result = score_assessment(framework, answers)
    assert result.overall is not None
    assert result.overall == pytest.approx(3.0)
    assert result.overall_band == "borderline"
    assert result.themes[0].band == "borderline"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1.0, "concern"),  # the bottom of the scale
        (2.94, "concern"),  # shown as 2.9, so below 3
        (2.95, "borderline"),  # shown as 3.0: the band follows the number people read
        (2.9999, "borderline"),
        (3.0, "borderline"),  # exactly at a band's min goes into that band
        (3.5, "borderline"),
        (3.94, "borderline"),
        (3.99, "strength"),  # shown as 4.0
        (4.0, "strength"),
        (5.0, "strength"),
    ],
)
def test_band_boundaries_shipped(score: float, band: str) -> None:
    assert band_for(score, shipped().bands).id == band


@pytest.mark.parametrize(
    ("answers", "score", "band"),
    [
        ((2, 4, 3), 3.0, "borderline"),  # c3 reversed: 3 -> 3; (2 + 4 + 3) / 3 = 3
        ((3, 3, 3), 3.0, "borderline"),  # (3 + 3 + 3) / 3 = 3
        ((2, 3, 4), 7 / 3, "concern"),  # c3 reversed: 4 -> 2; (2 + 3 + 2) / 3 = 7/3 = 2.33
        ((3, 3, 4), 8 / 3, "concern"),  # c3 reversed: 4 -> 2; (3 + 3 + 2) / 3 = 8/3 = 2.67
        ((4, 4, 2), 4.0, "strength"),  # c3 reversed: 2 -> 4; (4 + 4 + 4) / 3 = 4
        ((4, 4, 3), 11 / 3, "borderline"),  # c3 reversed: 3 -> 3; (4 + 4 + 3) / 3 = 11/3
    ],
)
def test_band_of_competency_score(answers: tuple[int, int, int], score: float, band: str) -> None:
    c1, c2, c3 = answers
    result = score_assessment(one_competency(), {"c1": c1, "c2": c2, "c3": c3}).competency("c")
    assert result.score == pytest.approx(score)
    assert result.band == band


@pytest.mark.parametrize(
    ("low", "high", "bands", "answers", "score", "band"),
    [
        # 0-4: c3 reversed 1 -> 3: (0 + 4 + 3) / 3 = 7/3 = 2.33; bands 0, 2, 3 -> 'middle'
        (0, 4, [("low", 0), ("middle", 2), ("high", 3)], (0, 4, 1), 7 / 3, "middle"),
        # 0-4: c3 reversed 4 -> 0: (0 + 1 + 0) / 3 = 1/3; below 2 -> 'low'
        (0, 4, [("low", 0), ("middle", 2), ("high", 3)], (0, 1, 4), 1 / 3, "low"),
        # 0-4 at a boundary: c3 reversed 3 -> 1: (3 + 2 + 1) / 3 = 2 -> 'middle'
        (0, 4, [("low", 0), ("middle", 2), ("high", 3)], (3, 2, 3), 2.0, "middle"),
        # 1-7: c3 reversed 1 -> 7: (7 + 4 + 7) / 3 = 6 -> 'high' (starts at 5.5)
        (1, 7, [("low", 1), ("middle", 3.5), ("high", 5.5)], (7, 4, 1), 6.0, "high"),
        # 1-7: c3 reversed 5 -> 3: (3 + 4 + 3) / 3 = 10/3 = 3.33, just under 3.5 -> 'low'
        (1, 7, [("low", 1), ("middle", 3.5), ("high", 5.5)], (3, 4, 5), 10 / 3, "low"),
        # 1-7: c3 reversed 6 -> 2: (5 + 4 + 2) / 3 = 11/3 = 3.67, over 3.5 -> 'middle'
        (1, 7, [("low", 1), ("middle", 3.5), ("high", 5.5)], (5, 4, 6), 11 / 3, "middle"),
    ],
)
def test_other_scales(
    low: int,
    high: int,
    bands: list[tuple[str, float]],
    answers: tuple[int, int, int],
    score: float,
    band: str,
) -> None:
    framework = build_framework({"t": {"c": ["c1", "c2", "c3:r"]}}, low, high, bands)
    c1, c2, c3 = answers
    result = score_assessment(framework, {"c1": c1, "c2": c2, "c3": c3})
    assert result.competency("c").score == pytest.approx(score)
    assert result.competency("c").band == band
    assert result.overall == pytest.approx(score)


def eight_competencies() -> Framework:
    return build_framework(
        {"x": {f"k{i}": [f"k{i}-1", f"k{i}-2"] for i in range(1, 5)}}
        | {"y": {f"k{i}": [f"k{i}-1", f"k{i}-2"] for i in range(5, 9)}}
    )


def answers_for(scores: dict[str, tuple[Answer, Answer]]) -> dict[str, Answer]:
    """Answers giving each competency kN the two item answers listed."""
    out: dict[str, Answer] = {}
    for competency_id, (first, second) in scores.items():
        out[f"{competency_id}-1"] = first
        out[f"{competency_id}-2"] = second
    return out


def test_strengths_top_three_priorities_bottom_three() -> None:
    # Scores: k1 2.0, k2 4.5, k3 3.0, k4 5.0, k5 1.5, k6 3.5, k7 4.0, k8 2.5 (all different).
    answers = answers_for(
        {
            "k1": (2, 2),
            "k2": (4, 5),
            "k3": (3, 3),
            "k4": (5, 5),
            "k5": (1, 2),
            "k6": (3, 4),
            "k7": (4, 4),
            "k8": (2, 3),
        }
    )
    result = score_assessment(eight_competencies(), answers)
    assert result.strengths == ["k4", "k2", "k7"]  # 5.0, 4.5, 4.0
    assert result.priorities == ["k5", "k1", "k8"]  # 1.5, 2.0, 2.5: lowest first
    assert result.ties is False


def test_ties_broken_by_framework_order_and_flagged() -> None:
    # k2, k3 and k6 all score 4.5 and k4 5.0: the strengths are k4, then the first two of the
    # 4.5s in framework order (k2, k3); k6 is left out because of the tie.
    # k1 and k8 both score 1.0: both are priorities, k1 first; then k5 and k7 at 2.0: k5.
    answers = answers_for(
        {
            "k1": (1, 1),
            "k2": (4, 5),
            "k3": (5, 4),
            "k4": (5, 5),
            "k5": (2, 2),
            "k6": (5, 4),
            "k7": (2, 2),
            "k8": (1, 1),
        }
    )
    result = score_assessment(eight_competencies(), answers)
    assert result.strengths == ["k4", "k2", "k3"]
    assert result.priorities == ["k1", "k8", "k5"]
    assert result.ties is True


def test_tie_outside_the_lists_is_not_flagged() -> None:
    # k3 and k6 tie at 3.0, but neither is a strength or a priority.
    answers = answers_for(
        {
            "k1": (5, 5),  # 5.0
            "k2": (4, 5),  # 4.5
            "k3": (3, 3),  # 3.0
            "k4": (4, 4),  # 4.0
            "k5": (1, 1),  # 1.0
            "k6": (3, 3),  # 3.0
            "k7": (1, 2),  # 1.5
            "k8": (2, 2),  # 2.0
        }
    )
    result = score_assessment(eight_competencies(), answers)
    assert result.strengths == ["k1", "k2", "k4"]
    assert result.priorities == ["k5", "k7", "k8"]
    assert result.ties is False


@pytest.mark.parametrize(
    ("scored", "strengths", "priorities"),
    [
        # With few scored, strengths take the top half (rounded up) and never overlap.
        ({"k1": (5, 5)}, ["k1"], []),
        ({"k1": (5, 5), "k2": (1, 1)}, ["k1"], ["k2"]),
        ({"k1": (5, 5), "k2": (1, 1), "k3": (3, 3)}, ["k1", "k3"], ["k2"]),
        ({"k1": (5, 5), "k2": (1, 1), "k3": (3, 3), "k4": (2, 2)}, ["k1", "k3"], ["k2", "k4"]),
        (
            {"k1": (5, 5), "k2": (1, 1), "k3": (3, 3), "k4": (2, 2), "k5": (4, 4)},
            ["k1", "k5", "k3"],
            ["k2", "k4"],
        ),
    ],
)
def test_strengths_and_priorities_with_few_scored(
    scored: dict[str, tuple[Answer, Answer]], strengths: list[str], priorities: list[str]
) -> None:
    result = score_assessment(eight_competencies(), answers_for(scored))
    assert result.strengths == strengths
    assert result.priorities == priorities
    assert result.ties is False


def test_all_equal_on_shipped_framework() -> None:
    # Every statement 4, every reverse-keyed one 2 (counts as 4): every competency 4.0.
    framework = shipped()
    answers: dict[str, Answer] = {i.id: 2 if i.reverse else 4 for _, i in framework.items()}
    result = score_assessment(framework, answers)
    assert {c.score for c in result.competencies} == {4.0}
    assert result.overall == 4.0
    assert result.overall_band == "strength"
    # All tied: framework order decides. Strengths are the first three, priorities the next.
    assert result.strengths == ["role", "offer", "realistic"]
    assert result.priorities == ["present", "critical-friend", "reflective"]
    assert result.ties is True


def test_quick_mode_scores_only_the_quick_item() -> None:
    framework = build_framework({"t": {"c": ["c1", "c2:q", "c3:r"], "d": ["d1", "d2", "d3:rq"]}})
    answers: dict[str, Answer] = {"c1": 1, "c2": 5, "c3": 5, "d1": 5, "d2": 5, "d3": 2}
    full = score_assessment(framework, answers)
    # Full: c = (1 + 5 + (6 - 5)) / 3 = 7/3; d = (5 + 5 + (6 - 2)) / 3 = 14/3
    assert full.competency("c").score == pytest.approx(7 / 3)
    assert full.competency("d").score == pytest.approx(14 / 3)
    quick = score_assessment(framework, answers, quick=True)
    # Quick: c is its quick item c2 = 5; d is d3, reverse-keyed: 6 - 2 = 4.
    assert quick.competency("c").score == 5.0
    assert quick.competency("d").score == 4.0
    assert (quick.competency("c").answered, quick.competency("c").asked) == (1, 1)
    assert quick.overall == 4.5  # (5 + 4) / 2


def test_quick_mode_without_the_quick_answer_is_not_scored() -> None:
    framework = shipped()
    quick_ids = {c.id: next(i.id for i in c.items if i.quick) for _, c in framework.competencies()}
    assert quick_ids["role"] == "role-1"
    answers: dict[str, Answer] = {"role-1": "n/a", "role-2": 5, "role-3": 1}
    answers |= {item_id: 3 for cid, item_id in quick_ids.items() if cid != "role"}
    result = score_assessment(framework, answers, quick=True)
    role = result.competency("role")
    assert role.score is None
    assert role.reason == "only 0 of 1 statements answered; 1 needed (1 marked does not apply)"
    assert result.overall == 3.0
    assert len(result.strengths) == 3 and "role" not in result.strengths


def test_alpha_hand_worked() -> None:
    # Three respondents, two items: x = (1, 2, 3), y = (1, 3, 2).
    # var(x) = var(y) = 1; cov(x, y) = ((-1)(-1) + (0)(1) + (1)(0)) / 2 = 0.5
    # alpha = 2 / 1 * (1 - (1 + 1) / (1 + 1 + 0.5 + 0.5)) = 2 * (1 - 2/3) = 2/3
    assert cronbach_alpha([(1, 1), (2, 3), (3, 2)]) == pytest.approx(2 / 3)
    # Pairwise: a fourth respondent with y missing changes var(x) only.
    # x = (1, 2, 3, 4): mean 2.5, var = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3
    # alpha = 2 * (1 - (5/3 + 1) / (5/3 + 1 + 0.5 + 0.5)) = 2 * (1 - (8/3) / (11/3)) = 6/11
    assert cronbach_alpha([(1, 1), (2, 3), (3, 2), (4, None)]) == pytest.approx(6 / 11)


@pytest.mark.parametrize(
    "rows",
    [
        [],  # no respondents
        [(3, 4)],  # one respondent: no variance
        [(3, 3), (3, 3), (3, 3)],  # no variance at all
        [(1, None), (2, None), (None, 3)],  # the two items never answered together
        [(1,), (2,), (3,)],  # one item
    ],
)
def test_alpha_cannot_be_worked_out(rows: list[tuple[int | None, ...]]) -> None:
    assert cronbach_alpha(rows) is None


# --- Properties ----------------------------------------------------------------------------


@st.composite
def scales(draw: st.DrawFn) -> tuple[int, int]:
    low = draw(st.integers(-3, 3))
    return low, low + draw(st.integers(1, 8))


def make_scale(low: int, high: int) -> Scale:
    return Scale(min=low, max=high, labels={p: str(p) for p in range(low, high + 1)})


@st.composite
def scored_cases(draw: st.DrawFn) -> tuple[Framework, dict[str, Answer]]:
    low, high = draw(scales())
    reverse_flags = draw(st.lists(st.booleans(), min_size=1, max_size=6))
    specs = [f"i{n}:r" if rev else f"i{n}" for n, rev in enumerate(reverse_flags)]
    min_answered = draw(st.floats(0.01, 1.0))
    framework = build_framework(
        {"t": {"c": specs}},
        low,
        high,
        bands=[("low", low), ("high", low + (high - low) / 2)],
        min_answered=min_answered,
    )
    choices: list[Answer] = [*range(low, high + 1), None, "n/a"]
    answers = {f"i{n}": draw(st.sampled_from(choices)) for n in range(len(specs))}
    return framework, answers


@settings(deadline=None)
@given(scored_cases(), st.booleans())
def test_score_stays_within_the_scale(
    case: tuple[Framework, dict[str, Answer]], quick: bool
) -> None:
    framework, answers = case
    low, high = framework.scale.min, framework.scale.max
    result = score_assessment(framework, answers, quick=quick)
    for score in (result.competency("c").score, result.themes[0].score, result.overall):
        if score is not None:
            assert low <= score <= high
    competency = result.competency("c")
    assert (competency.score is None) == (competency.reason is not None)


@given(scales(), st.data())
def test_reverse_twice_is_identity(scale_range: tuple[int, int], data: st.DataObject) -> None:
    scale = make_scale(*scale_range)
    value = data.draw(st.integers(scale.min, scale.max))
    assert scale.min <= reverse(value, scale) <= scale.max
    assert reverse(reverse(value, scale), scale) == value


@st.composite
def band_cases(draw: st.DrawFn) -> tuple[Framework, float, float]:
    low, high = draw(scales())
    # Band starts on a grid of tenths: a framework may give at most one decimal place.
    tenths = st.integers(1, (high - low) * 10).map(lambda n: round(low + n / 10, 1))
    starts = draw(st.lists(tenths, max_size=4, unique=True).map(sorted))
    framework = build_framework(
        {"t": {"c": ["c1"]}}, low, high, bands=[(f"b{n}", m) for n, m in enumerate([low, *starts])]
    )
    x, y = sorted(draw(st.lists(st.floats(low, high), min_size=2, max_size=2)))
    return framework, x, y


@given(band_cases())
def test_band_rises_with_the_score(case: tuple[Framework, float, float]) -> None:
    framework, lower, higher = case
    ids = [b.id for b in framework.bands]
    assert ids.index(band_for(lower, framework.bands).id) <= ids.index(
        band_for(higher, framework.bands).id
    )
    # And a band's own starting point falls in that band.
    for band in framework.bands:
        assert band_for(band.min, framework.bands) == band


@given(
    st.integers(2, 8),
    st.lists(st.integers(-3, 10), min_size=2).filter(lambda values: len(set(values)) >= 2),
)
def test_alpha_is_one_for_parallel_items(k: int, values: list[int]) -> None:
    rows = [(v,) * k for v in values]
    assert cronbach_alpha(rows) == pytest.approx(1.0, rel=0, abs=1e-9)


@st.composite
def alpha_data(draw: st.DrawFn) -> list[tuple[int | None, ...]]:
    k = draw(st.integers(2, 5))
    cell = st.one_of(st.none(), st.integers(0, 6))
    return draw(st.lists(st.tuples(*[cell] * k), min_size=2, max_size=40))


@settings(deadline=None)
@given(alpha_data(), st.randoms(use_true_random=False), st.integers(1, 5))
def test_alpha_unchanged_by_permuting_respondents(
    rows: list[tuple[int | None, ...]], rng: random.Random, max_patterns: int
) -> None:
    expected = cronbach_alpha(rows)
    shuffled = list(rows)
    rng.shuffle(shuffled)
    accumulator = AlphaAccumulator(len(rows[0]), max_patterns=max_patterns)
    for row in shuffled:
        accumulator.add(row)
    for alpha in (cronbach_alpha(shuffled), accumulator.alpha()):
        if expected is None:
            assert alpha is None
        else:
            assert alpha == pytest.approx(expected, rel=0, abs=1e-12)


def results_from(scores: list[float | None]) -> list[CompetencyResult]:
    return [
        CompetencyResult(
            id=f"c{n}",
            name=f"c{n}",
            theme="t",
            score=score,
            band=None,
            answered=0,
            asked=0,
            not_applicable=0,
        )
        for n, score in enumerate(scores)
    ]


@given(st.lists(st.one_of(st.none(), st.sampled_from([1.0, 1.5, 2.0, 3.0, 4.5, 5.0]))))
def test_strengths_and_priorities_disjoint_and_at_most_three(
    scores: list[float | None],
) -> None:
    results = results_from(scores)
    strengths, priorities, ties = strengths_and_priorities(results)
    assert len(strengths) <= 3 and len(priorities) <= 3
    assert not set(strengths) & set(priorities)
    by_id = {r.id: r.score for r in results}
    scored = [s for s in scores if s is not None]
    assert len(strengths) + len(priorities) == min(len(scored), 6)
    # Every strength scores at least as high as every priority, and lists are in order.
    listed_high = [by_id[i] for i in strengths]
    listed_low = [by_id[i] for i in priorities]
    assert listed_high == sorted(listed_high, reverse=True)
    assert listed_low == sorted(listed_low)
    if listed_high and listed_low:
        assert min(listed_high) >= max(listed_low)
    if len(set(scored)) == len(scored):
        assert ties is False


@given(st.floats(1, 5))
def test_the_band_follows_the_score_as_it_is_shown(score: float) -> None:
    # A report never shows '3.0 Area to develop' on a page that says Getting there starts at 3.
    from goodpartners.render.common import score_text

    bands = shipped().bands
    assert band_for(score, bands) == band_for(float(score_text(score)), bands)
