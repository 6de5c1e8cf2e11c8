"""Pydantic models for frameworks; each model checks the rules that concern it alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from goodpartners.clock import now as now
from goodpartners.framework_view import NOT_APPLICABLE as NOT_APPLICABLE
from goodpartners.framework_view import Answer as Answer

Id = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_-]+$",
        min_length=1,
        max_length=64,
        description="Letters, digits, '-' and '_' only. Case-sensitive. Unique in the framework.",
    ),
]


def _with_time_zone(value: datetime) -> datetime:
    """A time read from a file, taken as local time when it has no time zone (a file
    edited by hand), so that it can be compared with the times this tool writes."""
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=datetime.now().astimezone().tzinfo)


Stamp = Annotated[datetime, AfterValidator(_with_time_zone)]


class StrictModel(BaseModel):
    """A model that refuses unknown keys, so a typo like `revers:` is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Item(StrictModel):
    """One statement the worker rates on the scale."""

    id: Id
    text: str = Field(min_length=1, description="First person, a behaviour someone could see.")
    reverse: bool = Field(
        default=False, description="True when agreeing shows the opposite of the competency."
    )
    quick: bool = Field(default=False, description="True for the one item used in the quick check.")


class Resource(StrictModel):
    """Something to read or watch."""

    title: str = Field(min_length=1)
    url: str = Field(min_length=1)


MAX_SCALE_POINTS = 100  # a label for every point: more than this is a mistake, not a scale


class Scale(StrictModel):
    """The answer scale: whole numbers from min to max, each with a label."""

    min: int = Field(description="The lowest answer, for example 1.")
    max: int = Field(description="The highest answer, for example 5.")
    labels: dict[int, str] = Field(description="A label for every point from min to max.")
    not_applicable: str | None = Field(
        default="Does not apply to me",
        description="The label for 'not applicable'. Set to null to leave the option out.",
    )

    @field_validator("max")
    @classmethod
    def _max_above_min(cls, value: int, info: Any) -> int:
        low = info.data.get("min")
        if isinstance(low, int) and value <= low:
            raise ValueError(f"max ({value}) must be greater than min ({low})")
        if isinstance(low, int) and value - low + 1 > MAX_SCALE_POINTS:
            raise ValueError(
                f"a scale from {low} to {value} has {value - low + 1:,} points, more than "
                f"{MAX_SCALE_POINTS}; use a short scale such as 1 to 5, with a label for each point"
            )
        return value

    @field_validator("labels")
    @classmethod
    def _label_for_every_point(cls, value: dict[int, str], info: Any) -> dict[int, str]:
        low, high = info.data.get("min"), info.data.get("max")
        if isinstance(low, int) and isinstance(high, int):
            missing = [p for p in range(low, high + 1) if p not in value]
            extra = [p for p in value if p < low or p > high]
            if missing:
                raise ValueError(
                    "no label for scale point "
                    + ", ".join(str(p) for p in missing)
                    + "; give every point from min to max a label"
                )
            if extra:
                raise ValueError(
                    "label for "
                    + ", ".join(str(p) for p in sorted(extra))
                    + f", outside the scale ({low} to {high}); remove it, or change min or max"
                )
        blank = [p for p, text in value.items() if not text.strip()]
        if blank:
            raise ValueError(
                "empty label for scale point "
                + ", ".join(str(p) for p in blank)
                + "; write the words people choose from, such as 'Often'"
            )
        return dict(sorted(value.items()))

    @property
    def points(self) -> list[int]:
        """Every answer on the scale, lowest first."""
        return list(range(self.min, self.max + 1))


class Band(StrictModel):
    """A named range of scores; it starts at `min` and runs up to the next band."""

    id: Id
    name: str = Field(min_length=1)
    min: float = Field(description="Inclusive lower bound on the scale.")
    meaning: str = Field(min_length=1, description="One line: what this band means.")

    @field_validator("min")
    @classmethod
    def _one_decimal(cls, value: float) -> float:
        if abs(value * 10 - round(value * 10)) > 1e-6:
            raise ValueError(
                f"a band starts at {value:g}; give at most one decimal place, such as "
                f"{round(value, 1):g}, as scores are shown to one decimal"
            )
        return value


class Scoring(StrictModel):
    """Scoring rules."""

    min_answered: float = Field(
        default=0.5,
        description="Share of a competency's items that must be answered for it to be scored.",
    )
    blind_spot: float = Field(
        default=1.0,
        description=(
            "Multi-rater: a gap of at least this many scale points between your own score and "
            "others' is a blind spot (you score higher) or a hidden strength (they do)."
        ),
    )
    worth_conversation: float = Field(
        default=0.5,
        description="Multi-rater: a smaller gap of at least this much is worth a conversation.",
    )
    min_agreement: float = Field(
        default=0.7,
        description="Multi-rater: below this agreement (r_wg), raters see a skill differently.",
    )

    @field_validator("min_answered")
    @classmethod
    def _in_unit_interval(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError(
                f"min_answered must be more than 0 and at most 1, not {value:g}; "
                "for example, 0.5 means at least half the items must be answered"
            )
        return value

    @field_validator("blind_spot", "worth_conversation")
    @classmethod
    def _positive_gap(cls, value: float, info: Any) -> float:
        if value <= 0:
            raise ValueError(
                f"{info.field_name} must be more than 0, not {value:g}; it is a gap in scale "
                "points between how you see yourself and how others see you, such as 1"
            )
        return value

    @field_validator("min_agreement")
    @classmethod
    def _agreement_in_unit_interval(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise ValueError(
                f"min_agreement must be from 0 to 1, not {value:g}; 0.7 is the usual choice"
            )
        return value


RaterGroupName = Literal["self", "manager", "peer", "partner"]
"""A rater's relationship to the person they rate, in a multi-rater (360) survey."""


class Question(StrictModel):
    """A free-text question, such as one asked before a meeting."""

    id: Id
    text: str = Field(min_length=1)
    hint: str | None = None


IN_MEETING: Literal["in-meeting"] = "in-meeting"
AFTER_MEETING: Literal["after-meeting"] = "after-meeting"
When = Literal["in-meeting", "after-meeting"]
"""When a competency is worked on: in the meeting, or after it (such as reflecting)."""


class Competency(StrictModel):
    """A skill or attribute of a good partner, measured by its items."""

    id: Id
    name: str = Field(min_length=1)
    source: str = Field(min_length=1, description="The exact phrase it comes from.")
    description: str = Field(min_length=1)
    when: When = Field(
        default=IN_MEETING,
        description=(
            "When this is worked on: in-meeting (the default) or after-meeting. "
            "Meeting prep never picks an after-meeting competency as a focus in the meeting."
        ),
    )
    descriptors: dict[str, str] = Field(
        description="What each band looks like in practice, keyed by band id."
    )
    actions: list[str] = Field(min_length=1, description="Things to try this month.")
    prompts: list[str] = Field(min_length=1, description="Reflective 'Do I...?' questions.")
    resources: list[Resource] = Field(default_factory=list)
    items: list[Item]

    @field_validator("when", mode="before")
    @classmethod
    def _known_when(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(
                f"when is empty; give {IN_MEETING} or {AFTER_MEETING}, "
                f"or leave the line out for {IN_MEETING}"
            )
        if value not in (IN_MEETING, AFTER_MEETING):
            raise ValueError(
                f"when must be {IN_MEETING} or {AFTER_MEETING}, not '{value}'; "
                f"{AFTER_MEETING} marks a skill to work on after the meeting, "
                "so prep never picks it as a focus in the meeting"
            )
        return value

    @property
    def in_meeting(self) -> bool:
        """True when prep may pick this competency as a focus in the meeting."""
        return self.when == IN_MEETING

    @field_validator("items")
    @classmethod
    def _items_and_one_quick(cls, value: list[Item]) -> list[Item]:
        if not value:
            raise ValueError("a competency needs at least one item; add its statements under items")
        quick = sum(1 for item in value if item.quick)
        if quick == 0:
            raise ValueError(
                "no item has 'quick: true'; mark the one item per competency "
                "that the quick check asks"
            )
        if quick > 1:
            raise ValueError(
                f"{quick} items have 'quick: true', but the quick check asks exactly one "
                "per competency; keep it on one item only"
            )
        return value


class Theme(StrictModel):
    """A group of competencies that belong together."""

    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    competencies: list[Competency] = Field(min_length=1)


class Framework(StrictModel):
    """A whole competency framework."""

    id: Id
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Where the framework comes from (attribution).")
    licence: str = Field(min_length=1)
    scale: Scale
    bands: list[Band] = Field(min_length=1)
    scoring: Scoring = Field(default_factory=Scoring)
    raters: dict[str, RaterGroupName] = Field(
        default_factory=dict,
        description=(
            "Multi-rater: words in the rater column and the group each means, such as "
            "'probation officer: partner'. The groups are self, manager, peer and partner."
        ),
    )
    reflective_prompts: list[str] = Field(default_factory=list)
    meeting_questions: list[Question] = Field(default_factory=list)
    themes: list[Theme] = Field(min_length=1)

    @field_validator("raters", mode="before")
    @classmethod
    def _known_rater_groups(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        groups = ("self", "manager", "peer", "partner")
        for word, group in value.items():
            if not str(word).strip():
                raise ValueError("a word in raters is empty; write the word your form uses")
            if group not in groups:
                raise ValueError(
                    f"'{word}' means '{group}', which is not a rater group; use "
                    + ", ".join(groups[:-1])
                    + f" or {groups[-1]}"
                )
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # `version: 1.0` in YAML is a float; people mean the text "1.0".
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value

    def competencies(self) -> Iterator[tuple[Theme, Competency]]:
        """Every competency with its theme, in framework order."""
        for theme in self.themes:
            for competency in theme.competencies:
                yield theme, competency

    def items(self) -> Iterator[tuple[Competency, Item]]:
        """Every item with its competency, in framework order."""
        for _, competency in self.competencies():
            for item in competency.items:
                yield competency, item

    def competency(self, competency_id: str) -> Competency:
        """The competency with this id."""
        for _, competency in self.competencies():
            if competency.id == competency_id:
                return competency
        raise KeyError(competency_id)

    def band(self, band_id: str) -> Band:
        """The band with this id."""
        for band in self.bands:
            if band.id == band_id:
                return band
        raise KeyError(band_id)

    @property
    def item_count(self) -> int:
        """How many items the full questionnaire has."""
        return sum(len(c.items) for _, c in self.competencies())

    @property
    def competency_count(self) -> int:
        """How many competencies the framework has."""
        return sum(1 for _ in self.competencies())


"""A raw answer: a scale point, "n/a" for not applicable, or None when not answered."""


class ResultModel(BaseModel):
    """A scoring result: plain data, ready to render or dump as JSON."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class CompetencyResult(ResultModel):
    """How one competency scored."""

    id: str
    name: str
    theme: str
    score: float | None
    band: str | None
    answered: int
    asked: int
    not_applicable: int
    reason: str | None = Field(default=None, description="Why it was not scored.")


class ThemeResult(ResultModel):
    """How one theme scored: the mean of its scored competencies."""

    id: str
    name: str
    score: float | None
    band: str | None
    scored: int
    total: int


class ScoreResult(ResultModel):
    """Every score for one person's answers."""

    competencies: list[CompetencyResult]
    themes: list[ThemeResult]
    overall: float | None
    overall_band: str | None
    strengths: list[str]
    priorities: list[str]
    ties: bool = Field(description="True when equal scores were ordered by framework order.")

    def competency(self, competency_id: str) -> CompetencyResult:
        """The result for this competency id."""
        for result in self.competencies:
            if result.id == competency_id:
                return result
        raise KeyError(competency_id)


class Reflection(ResultModel):
    """Answers to the after-meeting reflection on a prep card."""

    written: Stamp
    answers: dict[str, str]


class Assessment(BaseModel):
    """One person's answers to a framework, as saved on this computer."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    format_version: int = 1
    kind: Literal["assessment"] = "assessment"
    id: str
    name: str | None = None
    framework_id: str
    framework_version: str
    framework_title: str
    quick: bool = False
    started: Stamp
    finished: Stamp | None = None
    answers: dict[str, Answer] = Field(default_factory=dict)
    notes: dict[str, str] = Field(
        default_factory=dict, description="Examples from practice, keyed by competency id."
    )
    skipped: list[str] = Field(
        default_factory=list, description="Item ids skipped for now (drafts only)."
    )

    @classmethod
    def start(
        cls,
        framework: Framework,
        assessment_id: str = "draft",
        name: str | None = None,
        quick: bool = False,
        when: datetime | None = None,
        answers: dict[str, Answer] | None = None,
        finished: bool = False,
    ) -> Assessment:
        """A new assessment of this framework: empty, or already answered and finished."""
        started = when or now()
        values: dict[str, Any] = {
            "id": assessment_id,
            "name": name,
            "framework_id": framework.id,
            "framework_version": framework.version,
            "framework_title": framework.title,
            "quick": quick,
            "started": started,
            "finished": started if finished else None,
            "answers": answers or {},
        }
        if answers is None and started.tzinfo is not None:
            # Nothing here needs checking: the framework was checked, the time has its
            # zone, the rest is typed. Not building the checker now lets the first
            # question show sooner (see benchmarks/startup.py).
            return cls.model_construct(**values)
        return cls(**values)


class Offer(BaseModel):
    """Something the worker offers at a meeting, and roughly how many hours it needs."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    text: str
    hours: float | None = Field(default=None, description="Hours it needs in the next month.")


class Partner(BaseModel):
    """Someone who will be at the meeting, and what the worker knows of their objectives."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    who: str = Field(description="Organisation and role, for example 'Probation - officer'.")
    objectives: str | None = Field(default=None, description="None until asked.")
    find_out: str | None = Field(default=None, description="None until asked.")


class Focus(ResultModel):
    """A competency to focus on in a meeting: one of the lowest quick-check scores."""

    id: str
    name: str
    score: float | None
    band_name: str | None
    behaviour: str = Field(description="What doing it well looks like, from the framework.")


class PrepCard(BaseModel):
    """Preparation for one meeting, and the reflection after it, as saved on this computer.

    A draft fills in step by step; a field that is None has not been asked yet.
    """

    model_config = ConfigDict(extra="ignore", defer_build=True)

    format_version: int = 1
    kind: Literal["prep"] = "prep"
    id: str
    framework_id: str
    framework_version: str
    framework_title: str
    started: Stamp
    finished: Stamp | None = None
    meeting: str | None = None
    meeting_date: date | None = None
    partners: list[Partner] | None = None
    check: Assessment = Field(description="The quick check, answered as part of the prep.")
    check_done: bool = False
    questions: dict[str, str] = Field(
        default_factory=dict, description="The meeting questions as asked, keyed by id."
    )
    answers: dict[str, str] = Field(
        default_factory=dict, description="Free-text answers, keyed by meeting question id."
    )
    offers: list[Offer] | None = None
    hours_available: float | None = Field(
        default=None, description="Hours the worker really has in the next month."
    )
    focus: list[Focus] = Field(default_factory=list)
    reflective_prompts: list[str] = Field(default_factory=list)
    reflection_draft: dict[str, str] | None = None
    reflection: Reflection | None = None

    @classmethod
    def start(cls, framework: Framework, when: datetime | None = None) -> PrepCard:
        """A new, empty prep card for this framework, with its quick check."""
        started = when or now()
        return cls(
            id="draft",
            framework_id=framework.id,
            framework_version=framework.version,
            framework_title=framework.title,
            started=started,
            check=Assessment.start(framework, quick=True, when=started),
            questions={q.id: q.text for q in framework.meeting_questions},
            reflective_prompts=list(framework.reflective_prompts),
        )
