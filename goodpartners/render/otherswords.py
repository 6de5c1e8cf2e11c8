"""'How others see you' (a multi-rater run) in words and table cells, the same in every format."""

from __future__ import annotations

from dataclasses import dataclass

from goodpartners.multirater import CompetencyOthers, OthersView
from goodpartners.render.common import score_text

OTHERS_HEADING = "How others see you"
TABLE_NOTE = (
    "In brackets: how many people gave that score. The gap is your score less others'. "
    "A dash means nothing is shown: too few people rated that, or nobody did."
)
CHART_CAPTION = (
    "Your own score and the average of everyone else who rated you, for each skill, "
    "from {low} to {high}. The same scores are in the table below."
)


@dataclass(frozen=True)
class Finding:
    """One list under the table: a title, a sentence on what it means, and its skills."""

    key: str
    title: str
    intro: str
    lines: list[str]


def points(value: float) -> str:
    """A threshold in scale points: '1 point', '0.5 points'."""
    return f"{value:g} point{'' if value == 1 else 's'}"


def others_columns(view: OthersView) -> list[tuple[str, str]]:
    """The table's columns as (key, heading): only groups that are shown somewhere."""
    columns = [("name", "Skill"), ("self", "You")]
    if view.any_shown:
        columns.append(("others", "Others"))
    for index, (key, heading) in enumerate(
        [("manager", "Manager"), ("peer", "Peers"), ("partner", "Partners")]
    ):
        if any(c.groups[index].shown for c in view.competencies):
            columns.append((key, heading))
    if any(c.gap is not None for c in view.competencies):
        columns.append(("gap", "Gap"))
    return columns


def table_caption(columns: list[tuple[str, str]]) -> str:
    """The table's caption: your own scores alone, or yours and others'."""
    return "Your scores and others', by skill" if len(columns) > 2 else "Your own scores, by skill"


def table_note(columns: list[tuple[str, str]]) -> str | None:
    """What the brackets, the gap and a dash mean; None when only your own scores show."""
    return TABLE_NOTE if len(columns) > 2 else None


def others_row(comp: CompetencyOthers, columns: list[tuple[str, str]]) -> list[str]:
    """One skill's cells for the table: a dash where nothing is shown."""
    groups = {g.group: g for g in comp.groups}
    cells = []
    for key, _ in columns:
        if key == "name":
            cells.append(comp.name)
        elif key == "self":
            cells.append(score_text(comp.self_score))
        elif key == "others":
            shown = comp.others_shown
            cells.append(f"{score_text(comp.others)} ({comp.others_n})" if shown else "-")
        elif key == "gap":
            cells.append(gap_text(comp))
        else:
            group = groups[key]  # type: ignore[index]  # the keys are group names
            if not group.shown:
                cells.append("-")
            elif key == "manager":
                cells.append(score_text(group.mean))
            else:
                cells.append(f"{score_text(group.mean)} ({group.n})")
    return cells


def gap_text(comp: CompetencyOthers) -> str:
    """Your score less others', signed, with what it means: '+2.0 blind spot'."""
    if comp.gap is None:
        return "-"
    number = "0.0" if abs(comp.gap) < 0.05 else f"{comp.gap:+.1f}"
    return f"{number} {comp.gap_kind}" if comp.gap_kind else number


def findings(view: OthersView) -> list[Finding]:
    """Blind spots, hidden strengths, gaps worth a conversation and disagreement, in words."""
    found = []
    big, small = points(view.blind_spot), points(view.worth_conversation)

    def line(comp: CompetencyOthers) -> str:
        return f"{comp.name}: you {score_text(comp.self_score)}, others {score_text(comp.others)}."

    kinds = [
        (
            "blind-spots",
            "blind spot",
            "Blind spots",
            f"You score yourself at least {big} higher than others do. Ask for an example.",
        ),
        (
            "hidden-strengths",
            "hidden strength",
            "Hidden strengths",
            f"Others score you at least {big} higher than you do. They see something you may not.",
        ),
        (
            "conversations",
            "worth a conversation",
            "Worth a conversation",
            f"A smaller gap, of at least {small}: talk it over with your manager or a colleague.",
        ),
    ]
    for key, kind, title, intro in kinds:
        chosen = view.with_kind(kind)  # type: ignore[arg-type]  # one of the GapKind words
        if chosen:
            found.append(Finding(key, title, intro, [line(c) for c in chosen]))
    if view.low_agreement:
        found.append(
            Finding(
                "agreement",
                "Where your raters differ",
                "Your raters see this differently from each other, so their average hides "
                f"a spread (agreement below {view.min_agreement:.2f}, where 1 is full "
                "agreement and 0 none).",
                [
                    f"{c.name}."
                    if c.agreement is None
                    else f"{c.name}: agreement {c.agreement:.2f}."
                    for c in view.low_agreement
                ],
            )
        )
    return found


def no_gaps(view: OthersView) -> str | None:
    """A sentence when others are shown but no gap stands out; None otherwise."""
    compared = [c for c in view.competencies if c.gap is not None]
    if not compared or any(c.gap_kind for c in compared):
        return None
    return (
        f"Your own scores and others' are less than {points(view.worth_conversation)} apart "
        "on every skill shown."
    )
