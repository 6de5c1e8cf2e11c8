"""The team's totals, added up chunk by chunk, and the team summary built from them.

Per competency, the tallies live in tally.py; this module keeps the rest: theme and
overall scores, group sizes, quality flags, and the heatmap of a small team.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter

from goodpartners.models import Framework, now
from goodpartners.scoring import scoring_rules
from goodpartners.team.items import item_panel
from goodpartners.team.problems import ProblemLog
from goodpartners.team.reader import Chunk
from goodpartners.team.responses import ColumnMap
from goodpartners.team.rows import RowScorer
from goodpartners.team.summary import (
    BaselineSummary,
    ColumnsSummary,
    CompetencySummary,
    Counts,
    GroupColumnSummary,
    GroupDifference,
    HeatmapRow,
    QualitySummary,
    RatersSummary,
    TeamSummary,
    TrainingNeed,
    describe_counts,
    group_differences,
    group_summaries,
)
from goodpartners.team.tally import (
    FLAGS,
    PACKED,
    STRAIGHT_LINING,
    CompetencyTally,
    Level,
    Memo,
    Outcome,
    Packing,
    add_up,
)

MAX_GROUP_VALUES = 200
HEATMAP_MAX = 60
NOT_GIVEN = "(not given)"


@dataclass
class ChunkScores:
    """A chunk's rows beyond their competencies: groups, theme and overall scores, flags."""

    group_values: list[list[str]]
    levels: list[list[Level]]
    overall: list[Level]
    flags: list[str]


class TeamTotals:
    """Adds up each chunk's themes, overall scores, groups and flags into the team's totals."""

    def __init__(
        self, framework: Framework, columns: ColumnMap, scorer: RowScorer, anonymise: bool
    ) -> None:
        self.framework = framework
        self.columns = columns
        self.tallies = scorer.tallies
        packing = scorer.packing
        bands = framework.bands
        self.level_memo: Memo[int, Level] = Memo(lambda key: Level(key, packing, bands))
        self.group_memo: Memo[str, str] = Memo(lambda raw: raw.strip() or NOT_GIVEN)
        self.group_getters = [itemgetter(column) for _, column in columns.groups]
        positions = {c.id: i for i, (_, c) in enumerate(framework.competencies())}
        self.themes = [[positions[c.id] for c in theme.competencies] for theme in framework.themes]
        self.heatmap: list[HeatmapRow] | None = None if anonymise else []
        self.flag_counts: Counter[str] = Counter()
        self.group_counts: list[Counter[str] | None] = [Counter() for _ in columns.groups]
        # Packed sums of competency scores (see tally.Packing) -> people.
        self.theme_scores: list[Counter[int]] = [Counter() for _ in self.themes]
        self.overall_scores: Counter[int] = Counter()
        self.scored_rows = 0

    def add(self, chunk: Chunk, outcomes: list[list[Outcome]]) -> ChunkScores:
        """Tally a chunk of scored rows, and give its theme and overall scores."""
        level_memo = self.level_memo
        group_memo = self.group_memo
        rows = chunk.rows
        self.scored_rows += len(rows)
        group_values = [list(map(group_memo.__getitem__, map(g, rows))) for g in self.group_getters]
        self._count_groups(group_values)
        tallied = [
            values if self.group_counts[i] is not None else None
            for i, values in enumerate(group_values)
        ]
        for tally, column_outcomes in zip(self.tallies, outcomes, strict=True):
            tally.tally(column_outcomes, tallied)
        theme_keys = [
            list(add_up([map(PACKED, outcomes[i]) for i in indices])) for indices in self.themes
        ]
        overall_keys = list(add_up(theme_keys))
        levels = [list(map(level_memo.__getitem__, keys)) for keys in theme_keys]
        overall = list(map(level_memo.__getitem__, overall_keys))
        for scores, keys in zip(self.theme_scores, theme_keys, strict=True):
            scores.update(keys)
        self.overall_scores.update(overall_keys)
        flags = list(map(FLAGS, chunk.infos))
        self.flag_counts.update(flags)
        return ChunkScores(group_values, levels, overall, flags)

    def _count_groups(self, group_values: list[list[str]]) -> None:
        for index, values in enumerate(group_values):
            counts = self.group_counts[index]
            if counts is None:
                continue
            counts.update(values)
            if len(counts) > MAX_GROUP_VALUES:
                self.group_counts[index] = None
                for tally in self.tallies:
                    tally.drop_group(index)

    def keep_heatmap(
        self, chunk: Chunk, outcomes: list[list[Outcome]], overall: list[Level]
    ) -> None:
        """Keep each person's scores for the heatmap, until the team is too big for one."""
        heatmap = self.heatmap
        assert heatmap is not None
        if len(heatmap) + len(chunk.ids) > HEATMAP_MAX:
            self.heatmap = None
            return
        name_column = self.columns.name_column
        group = self.group_getters[0] if self.group_getters else None
        for index, ident in enumerate(chunk.ids):
            row = chunk.rows[index]
            name = row[name_column].strip() if name_column is not None else ""
            heatmap.append(
                HeatmapRow(
                    respondent=ident,
                    name=name or None,
                    scores=[o[index].score for o in outcomes],
                    overall=overall[index].score,
                    group=None if group is None else self.group_memo[group(row)],
                )
            )


def team_summary(
    totals: TeamTotals,
    scorer: RowScorer,
    problems: ProblemLog,
    *,
    source: str,
    anonymise: bool,
    min_group_size: int,
    baseline: BaselineSummary | None,
    warnings: list[str],
    raters: RatersSummary | None = None,
) -> TeamSummary:
    """The team summary of a run: counts, columns, scores, groups, quality and change."""
    framework = totals.framework
    middle = len(framework.bands) // 2
    competencies, needs = _competencies(framework, scorer.tallies, middle, min_group_size)
    groups = _groups(totals, scorer, min_group_size)
    return TeamSummary(
        framework={"id": framework.id, "version": framework.version, "title": framework.title},
        source=source,
        anonymised=anonymise,
        min_group_size=min_group_size,
        counts=Counts(
            rows=scorer.rows,
            scored=totals.scored_rows,
            not_scored=scorer.not_scored,
            with_problems=problems.rows_with_problems,
            skipped=scorer.skipped,
            problems=problems.count,
        ),
        columns=_columns(totals.columns, anonymise),
        scale={
            "min": framework.scale.min,
            "max": framework.scale.max,
            "labels": {str(k): v for k, v in framework.scale.labels.items()},
        },
        bands=[
            {"id": b.id, "name": b.name, "min": b.min, "meaning": b.meaning}
            for b in framework.bands
        ],
        middle_band=framework.bands[middle].id,
        competencies=competencies,
        themes={
            theme.id: describe_counts(_exact(scores, scorer.packing))
            for theme, scores in zip(framework.themes, totals.theme_scores, strict=True)
        },
        theme_names={t.id: t.name for t in framework.themes},
        overall=describe_counts(_exact(totals.overall_scores, scorer.packing)),
        groups=groups,
        training_needs=needs,
        quality=_quality(totals.flag_counts),
        baseline=baseline,
        problems=problems.first,
        heatmap=totals.heatmap or None,
        warnings=warnings,
        rules=scoring_rules(framework),
        created=now(),
        group_differences=_differences(groups, totals, scorer, competencies),
        raters=raters,
    )


def _competencies(
    framework: Framework, tallies: Sequence[CompetencyTally], middle: int, min_group_size: int
) -> tuple[dict[str, CompetencySummary], list[TrainingNeed]]:
    """Each competency's summary, and the training needs, the most pressing first."""
    below_ids = {b.id for b in framework.bands[:middle]}
    competencies: dict[str, CompetencySummary] = {}
    needs: list[TrainingNeed] = []
    for (theme, competency), tally in zip(framework.competencies(), tallies, strict=True):
        stats = describe_counts(tally.exact_scores())
        below = sum(n for band, n in tally.band_counts.items() if band in below_ids)
        share = below / stats.n if stats.n else None
        competencies[competency.id] = CompetencySummary(
            name=competency.name,
            theme=theme.id,
            n=stats.n,
            not_scored=tally.not_scored,
            mean=stats.mean,
            sd=stats.sd,
            median=stats.median,
            min=stats.min,
            max=stats.max,
            bands={band.id: tally.band_counts.get(band.id, 0) for band in framework.bands},
            alpha=tally.alpha.alpha(),
            items=tally.items,
            items_with_column=[tally.items[pos] for pos, _ in tally.present],
            scorable=tally.scorable,
            below_middle=below,
            share_below_middle=share,
            item_panel=item_panel(
                competency,
                tally,
                framework.scale,
                n=stats.n,
                sd=stats.sd,
                min_group_size=min_group_size,
            ),
        )
        needs.append(
            TrainingNeed(
                competency=competency.id,
                name=competency.name,
                n=stats.n,
                below_middle=below,
                share_below_middle=share,
                actions=list(competency.actions),
            )
        )
    # Highest share first; ties keep framework order (sort is stable).
    needs.sort(
        key=lambda need: -1.0 if need.share_below_middle is None else -need.share_below_middle
    )
    needs.sort(key=lambda need: need.share_below_middle is None)
    return competencies, needs


def _groups(
    totals: TeamTotals, scorer: RowScorer, min_group_size: int
) -> dict[str, GroupColumnSummary]:
    """Each --group-by column's groups, or a note that it had too many values to compare."""
    groups: dict[str, GroupColumnSummary] = {}
    for index, (name, _) in enumerate(totals.columns.groups):
        counts = totals.group_counts[index]
        if counts is None:
            groups[name] = GroupColumnSummary(
                values={}, too_many_values=True, max_values=MAX_GROUP_VALUES
            )
            continue
        sums = {tally.id: tally.group_sums[index] for tally in scorer.tallies}
        groups[name] = GroupColumnSummary(
            values=group_summaries(counts, sums, scorer.packing.factor, min_group_size),
            max_values=MAX_GROUP_VALUES,
        )
    return groups


def _differences(
    groups: dict[str, GroupColumnSummary],
    totals: TeamTotals,
    scorer: RowScorer,
    competencies: dict[str, CompetencySummary],
) -> list[GroupDifference]:
    """Shown groups that differ from the rest by half a point or more, the largest first."""
    names = {cid: c.name for cid, c in competencies.items()}
    found: list[GroupDifference] = []
    for index, (column, _) in enumerate(totals.columns.groups):
        summary = groups[column]
        if summary.too_many_values:
            continue
        sums = {tally.id: tally.group_sums[index] for tally in scorer.tallies}
        found += group_differences(column, summary.values, sums, names, scorer.packing.factor)
    found.sort(key=lambda d: -abs(d.difference))
    return found


def _quality(flag_counts: Counter[str]) -> QualitySummary:
    """How many rows had each quality flag."""
    flag_totals: Counter[str] = Counter()
    for flags, count in flag_counts.items():
        for flag in flags.split(";"):
            if flag:
                flag_totals[flag] += count
    return QualitySummary(
        straight_lining=flag_totals.get(STRAIGHT_LINING, 0),
        flags=dict(sorted(flag_totals.items())),
    )


def _columns(columns: ColumnMap, anonymise: bool) -> ColumnsSummary:
    """Which columns were read, and which were left out."""
    return ColumnsSummary(
        items_matched=len(columns.items),
        items_without_column=list(columns.missing_items),
        ignored=columns.ignored_names,
        ignored_headings=[columns.header[i].strip() for i in columns.ignored],
        respondent=_heading(columns.id_column, columns.header),
        name=None if anonymise else _heading(columns.name_column, columns.header),
        groups=[name for name, _ in columns.groups],
    )


def _exact(packed: Counter[int], packing: Packing) -> Counter[Fraction]:
    """Tallied packed sums as exact mean scores; rows with nothing scored are left out."""
    exact: Counter[Fraction] = Counter()
    for key, people in packed.items():
        value = packing.exact(key)
        if value is not None:
            exact[value] += people
    return exact


def _heading(column: int | None, header: Sequence[str]) -> str | None:
    return header[column].strip() if column is not None else None
