"""Multi-rater ("360") scoring: how others see one person, with nobody singled out.

Pure: rater scores in, a view out. No printing, no files; team/, personal/ and render/
all use it.

Groups. Each rater is `self`, `manager`, `peer` or `partner`. The words in a survey's
rater column are read case-insensitively, with spaces, dashes and underscores alike, and
common synonyms are known (see SYNONYMS: "line manager", "colleague", "partner agency"
and so on). A framework's `raters:` block adds its own words.

Scores. A rater's competency score follows the self-assessment rules, min_answered
included (scoring.py). A group's score is the mean of its raters' scores; "others" is the
mean over every rater but self, each rater weighted equally. Everything is decided per
competency, over the raters who have a score for it.

Anonymity: the reader and the rule. The reader sees everything a report shows: each
shown mean and how many raters it covers, and the manager's score (the manager's score
is shown as the manager's, and the report says so). The reader can add and subtract
shown sums (mean x count). The rule, with m = min_raters:

1. self and manager are always shown;
2. a peer or partner group is shown only with at least m raters;
3. the non-manager raters not in a shown group (the folded pool) must number 0 or at
   least m; while the pool has 1 to m - 1 raters, the smallest shown group (peer before
   partner on a tie) is folded into it as well;
4. "others" is shown only when the raters other than self and manager number at least m
   (so it has at least m raters in all).

Every sum the reader can derive is then a sum of whole parts: the manager, a shown group
(at least m raters), or the folded pool (0 or at least m raters, known as others less the
manager and the shown groups). No mean of fewer than m non-manager raters, and no single
rater's score, can be derived. Rule 4 is stricter than "at least m in all": with a
manager and two peers, others less the manager would give the two peers' mean.
tests/test_multirater.py checks this by linear algebra over every subset of raters.

Gaps compare the scores as shown, to one decimal place, so the words match the numbers:
self - others >= blind_spot is a blind spot, others - self >= blind_spot a hidden
strength, and a smaller gap of at least worth_conversation is worth a conversation
(the framework's `scoring:` block sets both; 1 and 0.5 by default).

Agreement is r_wg (James, Demaree and Wolf, 1984) within "others": 1 - s^2 / sigma^2_EU,
where s^2 is the sample variance of the raters' competency scores (n - 1 denominator, as
James, Demaree and Wolf) and sigma^2_EU = (A^2 - 1) / 12 the variance of answers spread
evenly over an A-point scale. A value below 0 is taken as 0, as they advise. It is
rounded to two decimals before it is compared. Below min_agreement (0.7 by default) the
report says the raters see this differently. The figure itself is given only when at
least AGREEMENT_FIGURE_RATERS (5) raters are behind "others": with 3 or 4, a spread given
to two decimals beside their mean often pins down each score (not who gave it), so they
get the note alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from goodpartners.models import Answer, Framework, RaterGroupName
from goodpartners.scoring import score_assessment, shown

__all__ = [
    "AGREEMENT_FIGURE_RATERS",
    "GROUPS",
    "OTHER_GROUPS",
    "SYNONYMS",
    "CompetencyOthers",
    "GroupScore",
    "OthersView",
    "Rating",
    "agreement",
    "known_words",
    "others_view",
    "rater_group",
    "rater_scores",
]

GROUPS: tuple[RaterGroupName, ...] = ("self", "manager", "peer", "partner")
OTHER_GROUPS: tuple[RaterGroupName, ...] = ("manager", "peer", "partner")
"""Groups shown beside "others", in the order reports and scores.csv show them."""
POOLED: tuple[RaterGroupName, ...] = ("peer", "partner")
"""Groups that need min_raters to be shown."""

SYNONYMS: dict[str, RaterGroupName] = {
    "self": "self",
    "myself": "self",
    "me": "self",
    "self assessment": "self",
    "manager": "manager",
    "line manager": "manager",
    "my manager": "manager",
    "supervisor": "manager",
    "team leader": "manager",
    "peer": "peer",
    "colleague": "peer",
    "co worker": "peer",
    "coworker": "peer",
    "team member": "peer",
    "partner": "partner",
    "partner agency": "partner",
    "partner organisation": "partner",
    "partner organization": "partner",
    "external partner": "partner",
    "other agency": "partner",
}
"""Words a rater column may hold, and the group each means (after normalising)."""

GROUP_LABELS: dict[RaterGroupName, str] = {
    "self": "You",
    "manager": "Your manager",
    "peer": "Peers",
    "partner": "Partners",
}

GapKind = Literal["blind spot", "hidden strength", "worth a conversation"]

_SPACES = re.compile(r"[\s_-]+")


def _normal(word: str) -> str:
    return _SPACES.sub(" ", word).strip().casefold()


def known_words(renames: Mapping[str, str] | None = None) -> dict[str, RaterGroupName]:
    """Every normalised word the rater column may hold: the synonyms and the framework's own."""
    words = dict(SYNONYMS)
    for word, group in (renames or {}).items():
        if group in GROUPS:
            words[_normal(word)] = group
    return words


def rater_group(value: str, words: Mapping[str, RaterGroupName]) -> RaterGroupName | None:
    """The group a rater column's value names, or None when it is not a known word."""
    return words.get(_normal(value))


def rater_scores(framework: Framework, answers: Mapping[str, Answer]) -> dict[str, float | None]:
    """One rater's competency scores, by the self-assessment rules (min_answered included)."""
    result = score_assessment(framework, answers)
    return {c.id: c.score for c in result.competencies}


@dataclass(frozen=True, slots=True)
class Rating:
    """One rater's competency scores, and their relationship to the person rated."""

    group: RaterGroupName
    scores: Mapping[str, float | None]


class View(BaseModel):
    """Plain frozen data for renderers."""

    model_config = ConfigDict(frozen=True)


class GroupScore(View):
    """One group's score on one competency; mean is None when it is not shown."""

    group: RaterGroupName
    label: str
    n: int
    mean: float | None
    shown: bool


class CompetencyOthers(View):
    """One competency: you, the shown groups, others, the gap and the agreement."""

    id: str
    name: str
    self_score: float | None
    groups: list[GroupScore]
    others: float | None
    others_n: int
    others_shown: bool
    gap: float | None  # self - others, as shown to one decimal
    gap_kind: GapKind | None
    agreement: float | None  # r_wg within others
    low_agreement: bool


class OthersView(View):
    """How others see one person: every competency, the gaps, and plain explanations."""

    subject: str
    min_raters: int
    raters: int  # raters other than self
    has_self: bool
    managers: int
    scale_min: int
    scale_max: int
    blind_spot: float
    worth_conversation: float
    min_agreement: float
    competencies: list[CompetencyOthers]
    any_shown: bool
    notes: list[str]

    def with_kind(self, kind: GapKind) -> list[CompetencyOthers]:
        """The competencies whose gap is of this kind, the widest first."""
        found = [c for c in self.competencies if c.gap_kind == kind]
        return sorted(found, key=lambda c: -abs(c.gap or 0.0))

    @property
    def low_agreement(self) -> list[CompetencyOthers]:
        """The competencies where others' ratings differ from each other."""
        return [c for c in self.competencies if c.low_agreement]


AGREEMENT_FIGURE_RATERS = 5
"""The fewest raters behind "others" for the agreement figure itself to be given."""


def agreement(scores: Sequence[float], points: int) -> float | None:
    """r_wg: 1 - sample variance (n - 1) / ((A^2 - 1) / 12), at least 0; None under 2 scores."""
    if len(scores) < 2 or points < 2:
        return None
    mean = math.fsum(scores) / len(scores)
    variance = math.fsum((s - mean) ** 2 for s in scores) / (len(scores) - 1)
    null = (points * points - 1) / 12
    return max(0.0, 1 - variance / null)


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def shown_groups(counts: Mapping[RaterGroupName, int], min_raters: int) -> set[RaterGroupName]:
    """Which peer and partner groups may be shown beside others (rules 2 and 3)."""
    shown_set = {g for g in POOLED if counts.get(g, 0) >= min_raters}
    pool = sum(counts.get(g, 0) for g in POOLED if g not in shown_set)
    while 0 < pool < min_raters and shown_set:
        smallest = min(shown_set, key=lambda g: (counts[g], POOLED.index(g)))
        shown_set.discard(smallest)
        pool += counts[smallest]
    return shown_set


def _gap_kind(gap: float, blind_spot: float, worth: float) -> GapKind | None:
    tolerance = 1e-9
    if gap >= blind_spot - tolerance:
        return "blind spot"
    if -gap >= blind_spot - tolerance:
        return "hidden strength"
    if abs(gap) >= worth - tolerance:
        return "worth a conversation"
    return None


def others_view(
    framework: Framework,
    subject: str,
    ratings: Sequence[Rating],
    min_raters: int = 3,
) -> OthersView:
    """How others see one person, with suppression, gaps and agreement worked out.

    `ratings` holds every rater of this person, self included (at most one self rating).
    """
    if min_raters < 1:
        raise ValueError("min_raters must be at least 1")
    selfs = [r for r in ratings if r.group == "self"]
    if len(selfs) > 1:
        raise ValueError("a person can have only one self rating")
    others = [r for r in ratings if r.group != "self"]
    scoring = framework.scoring
    points = framework.scale.max - framework.scale.min + 1
    views: list[CompetencyOthers] = []
    for _, competency in framework.competencies():
        cid = competency.id
        self_score = selfs[0].scores.get(cid) if selfs else None
        by_group: dict[RaterGroupName, list[float]] = {g: [] for g in OTHER_GROUPS}
        for rating in others:
            score = rating.scores.get(cid)
            if score is not None:
                by_group[rating.group].append(score)
        counts = {g: len(v) for g, v in by_group.items()}
        non_manager = counts["peer"] + counts["partner"]
        others_shown = non_manager >= min_raters
        visible = shown_groups(counts, min_raters) if others_shown else set()
        groups = []
        for group in OTHER_GROUPS:
            is_shown = counts[group] > 0 and (group == "manager" or group in visible)
            groups.append(
                GroupScore.model_construct(
                    group=group,
                    label=GROUP_LABELS[group],
                    n=counts[group],
                    mean=_mean(by_group[group]) if is_shown else None,
                    shown=is_shown,
                )
            )
        pooled = [s for g in OTHER_GROUPS for s in by_group[g]]
        others_mean = _mean(pooled) if others_shown else None
        gap = None
        kind = None
        if others_mean is not None and self_score is not None:
            gap = round(shown(self_score) - shown(others_mean), 1)
            kind = _gap_kind(gap, scoring.blind_spot, scoring.worth_conversation)
        rwg = agreement(pooled, points) if others_shown else None
        # Shown, and decided on, to two decimals: the number and the note never disagree,
        # and a spread given exactly would say more about the few raters behind it.
        rwg = None if rwg is None else round(rwg, 2)
        low = rwg is not None and rwg < scoring.min_agreement - 1e-9
        if len(pooled) < AGREEMENT_FIGURE_RATERS:
            rwg = None  # the note alone: the figure would say too much about so few
        views.append(
            CompetencyOthers.model_construct(
                id=cid,
                name=competency.name,
                self_score=self_score,
                groups=groups,
                others=others_mean,
                others_n=len(pooled),
                others_shown=others_shown,
                gap=gap,
                gap_kind=kind,
                agreement=rwg,
                low_agreement=low,
            )
        )
    managers = sum(1 for r in others if r.group == "manager")
    any_shown = any(v.others_shown for v in views)
    return OthersView(
        subject=subject,
        min_raters=min_raters,
        raters=len(others),
        has_self=bool(selfs),
        managers=managers,
        scale_min=framework.scale.min,
        scale_max=framework.scale.max,
        blind_spot=scoring.blind_spot,
        worth_conversation=scoring.worth_conversation,
        min_agreement=scoring.min_agreement,
        competencies=views,
        any_shown=any_shown,
        notes=_notes(views, len(others), managers, min_raters, bool(selfs), any_shown),
    )


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _notes(
    views: Sequence[CompetencyOthers],
    raters: int,
    managers: int,
    min_raters: int,
    has_self: bool,
    any_shown: bool,
) -> list[str]:
    """Plain sentences on what is shown and why some of it is not."""
    notes = []
    others = raters - managers
    if raters == 0:
        notes.append("Nobody else rated you this time, so only your own scores are shown.")
    elif not any_shown:
        if others == 0:
            who, more = "Only your manager rated you", ""
        else:
            besides = " besides your manager" if managers else ""
            who, more = f"{_people(others).capitalize()} rated you{besides}", "more "
        gives = "gives" if min_raters == 1 else "give"
        notes.append(
            f"{who}. Others' ratings are shown only when at least {_people(min_raters)} "
            f"{gives} them (not counting a manager), so that no one's answers can be picked "
            f"out. Ask {more}colleagues or partners to rate you next time."
        )
    else:
        notes.append(
            f"{_people(raters).capitalize()} rated you. 'Others' is the average of everyone "
            "but you, each person counting the same."
        )
        hidden = any(g.n and not g.shown for v in views if v.others_shown for g in v.groups)
        if hidden:
            notes.append(
                f"Peers and partners are shown as groups only when each has at least "
                f"{_people(min_raters)}, and showing them would not let anyone work out a "
                "smaller group. Otherwise they are counted in 'others' only."
            )
        partial = [v.name for v in views if not v.others_shown]
        if partial:
            notes.append(
                "Too few people scored "
                + ", ".join(partial)
                + f" to show (fewer than {min_raters}, apart from your manager)."
            )
    if managers:
        notes.append(
            "Your manager's score is shown as your manager's: it is not anonymous."
            if managers == 1
            else f"Your managers' scores are shown together ({managers} managers): "
            "they are not anonymous."
        )
    if not has_self:
        notes.append("You did not rate yourself, so there are no gaps to show.")
    return notes
