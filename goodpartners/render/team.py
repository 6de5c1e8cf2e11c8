"""The team summary for people: summary.md and a self-contained summary.html.

Both take the TeamSummary model and return text. The HTML page has its styles inline,
makes no outside requests, autoescapes every value, and puts a table behind every chart.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2

from goodpartners.files import private_folder_or_none
from goodpartners.framework_files import cache_home
from goodpartners.render import team_items as items
from goodpartners.render.common import change_text, score_text, statistic_text
from goodpartners.render.jinja import make_environment
from goodpartners.scoring import shown
from goodpartners.team.responses import normalise
from goodpartners.team.summary import CompetencySummary, HeatmapRow, TeamSummary

if TYPE_CHECKING:
    from goodpartners.models import Assessment, Framework
    from goodpartners.multirater import OthersView
    from goodpartners.team.batch import BatchResult, Renderers, ReportChoice

# Okabe-Ito orange for the bands below the middle, grey for the middle and Okabe-Ito blue
# above it: they stay apart under deuteranopia, protanopia and tritanopia, and each band
# has a symbol as well, so colour is never the only sign.
LOW_TINTS = ("#f5c46b", "#e69f00")  # the band just below the middle first
MIDDLE_TINT = "#e4e4e4"
HIGH_TINTS = ("#9fc8e8", "#56a0d3")  # the band just above the middle first
DOWN, MIDDLE, UP = "\u25bc", "\u25cf", "\u25b2"  # triangle down, circle, triangle up
TEXT_BAR = 20
NO_ID_COLUMN = "none found, so rows are named by line number"
TEMPLATE = "team_summary.html.j2"
ALPHA_GOOD = 0.7
ALPHA_LOW = 0.6
FEW_PEOPLE = 10
KEY_DIFFERENCES = 3

ALPHA_EXPLAINED = (
    "Reliability (Cronbach's alpha) shows whether the statements of a competency hang "
    "together: whether people who rated themselves high on one of its statements also rated "
    "themselves high on the others. It runs up to 1. From 0.7 is good. Below 0.6 the "
    "statements did not measure the same thing for this team, so the score is less certain."
)


def alpha_words(alpha: float | None) -> str:
    """Cronbach's alpha in plain words."""
    if alpha is None:
        return "There were not enough answers to tell whether the items hang together."
    if alpha >= ALPHA_GOOD:
        return "The items of this competency hung together well for this team."
    if alpha >= ALPHA_LOW:
        return "The items of this competency hung together fairly well for this team."
    return (
        "The items of this competency did not hang together for this team, "
        "so read its score with care."
    )


def competency_alpha_words(c: CompetencySummary) -> str:
    """A competency's alpha in plain words, or why it has none."""
    if c.alpha is None and c.item_panel is not None and c.item_panel.no_alpha:
        return items.no_alpha_text(c.item_panel)
    return alpha_words(c.alpha)


def no_id_column(s: TeamSummary) -> str:
    """The Data section's words when no column is the respondent id."""
    return "none; people are named by who was rated" if s.raters else NO_ID_COLUMN


def percent(value: float | None) -> str:
    """A share as a whole percentage, or a dash."""
    return "-" if value is None else f"{value * 100:.0f}%"


def md(text: object) -> str:
    """Text made safe inside Markdown: no HTML, links or broken tables."""
    value = str(text).replace("\r", " ").replace("\n", " ")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\|*_`[]#":
        value = value.replace(char, "\\" + char)
    return value


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 person', '3 people'."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


class _View:
    """Values both renderers need, worked out once from the summary."""

    def __init__(self, summary: TeamSummary) -> None:
        self.s = summary
        self.low = int(summary.scale["min"])
        self.high = int(summary.scale["max"])
        self.bands = summary.bands
        self.band_names = {b["id"]: b["name"] for b in summary.bands}
        self.middle_name = self.band_names[summary.middle_band]
        self.middle = [b["id"] for b in summary.bands].index(summary.middle_band)
        self.competency_ids = list(summary.competencies)

    def position(self, score: float | None) -> float:
        """Where a score sits on the scale, in per cent."""
        if score is None:
            return 0.0
        return round(max(0.0, min(1.0, (score - self.low) / (self.high - self.low))) * 100, 2)

    def band_index(self, score: float | None) -> int | None:
        """The index of the band a score, as shown to one decimal, falls in."""
        if score is None:
            return None
        value = shown(score)
        chosen = 0
        for index, band in enumerate(self.bands):
            if value + 1e-9 >= band["min"]:
                chosen = index
        return chosen

    def band_name(self, score: float | None) -> str:
        """The name of the band a score falls in, or a dash."""
        index = self.band_index(score)
        return "-" if index is None else str(self.bands[index]["name"])

    def tint(self, index: int) -> str:
        """A band's colour: orange below the middle band, grey for it, blue above it."""
        steps = index - self.middle
        if steps < 0:
            return LOW_TINTS[min(-steps, len(LOW_TINTS)) - 1]
        if steps > 0:
            return HIGH_TINTS[min(steps, len(HIGH_TINTS)) - 1]
        return MIDDLE_TINT

    def symbol(self, index: int) -> str:
        """A band's symbol: one triangle down per band below the middle, a circle, or up."""
        steps = index - self.middle
        return DOWN * -steps if steps < 0 else UP * steps if steps > 0 else MIDDLE

    def legend(self) -> list[dict[str, str]]:
        """Each band's name, symbol and colour, for the key of a grid."""
        return [
            {"name": str(b["name"]), "symbol": self.symbol(i), "tint": self.tint(i)}
            for i, b in enumerate(self.bands)
        ]

    def legend_text(self) -> str:
        """The key of a grid as text: '\u25bc Area to develop, \u25cf Getting there, ...'."""
        return ", ".join(f"{b['symbol']} {b['name']}" for b in self.legend())

    def cell(self, score: float | None) -> dict[str, str]:
        """A grid cell: the score as shown, its band's symbol, name and colour."""
        index = self.band_index(score)
        if index is None:
            return {"text": score_text(score), "symbol": "", "band": "", "tint": "#ffffff"}
        return {
            "text": score_text(score),
            "symbol": self.symbol(index),
            "band": str(self.bands[index]["name"]),
            "tint": self.tint(index),
        }

    def cell_text(self, score: float | None) -> str:
        """A grid cell in text: '2.6 \u25bc', or a dash."""
        cell = self.cell(score)
        return f"{cell['text']} {cell['symbol']}".strip()

    def segments(self) -> list[dict[str, Any]]:
        """Band backgrounds for the profile chart, in per cent of its width."""
        result = []
        for index, band in enumerate(self.bands):
            end = self.bands[index + 1]["min"] if index + 1 < len(self.bands) else self.high
            left = self.position(band["min"])
            result.append(
                {
                    "name": band["name"],
                    "left": left,
                    "width": round(self.position(end) - left, 2),
                    "tint": self.tint(index),
                    "symbol": self.symbol(index),
                }
            )
        return result

    def text_bar(self, score: float | None) -> str:
        """A text bar such as '#########-----------'."""
        if score is None:
            return ""
        filled = round(self.position(score) / 100 * TEXT_BAR)
        return "#" * filled + "-" * (TEXT_BAR - filled)

    def distribution(self, competency_id: str) -> list[dict[str, Any]]:
        """Band counts of a competency with their share of people."""
        summary = self.s.competencies[competency_id]
        total = sum(summary.bands.values())
        rows = []
        for index, band in enumerate(self.bands):
            count = summary.bands.get(band["id"], 0)
            share = count / total if total else 0.0
            rows.append(
                {
                    "name": band["name"],
                    "count": count,
                    "share": share,
                    "width": round(share * 100, 2),
                    "tint": self.tint(index),
                }
            )
        return rows

    def heatmap_groups(self) -> list[tuple[str | None, list[HeatmapRow]]]:
        """Everyone's rows, grouped by the first --group-by column when there is one.

        Hidden groups are put together under one heading, so the grid never shows a
        group that the comparison between groups hides.
        """
        rows = self.s.heatmap or []
        column = next(iter(self.s.groups.items()), None)
        if column is None or column[1].too_many_values:
            return [(None, rows)]
        name, groups = column
        result: list[tuple[str | None, list[HeatmapRow]]] = []
        for group, summary in groups.values.items():
            members = [row for row in rows if row.group == group]
            if members and not summary.suppressed:
                result.append((f"{name}: {group}", members))
        hidden = {g for g, summary in groups.values.items() if summary.suppressed}
        rest = [row for row in rows if row.group in hidden]
        if rest:
            result.append((f"{name}: smaller groups, not shown one by one", rest))
        return result


@dataclass(frozen=True)
class KeyMessages:
    """The box that opens the summary: what an HR lead most needs to know, in a few lines."""

    made: str
    people: str
    needs_intro: str
    needs: list[str]
    groups: list[str]
    trust: str


def key_messages(view: _View) -> KeyMessages:
    """The key messages of a summary, in plain words."""
    s = view.s
    made = f"From {s.source}"
    if s.created is not None:
        made = f"Made on {s.created.day} {s.created:%B %Y} from {s.source}"
    needs = [
        f"{need.name}: {percent(need.share_below_middle)} ({need.below_middle} of {need.n})"
        for need in s.training_needs
        if need.below_middle
    ][:3]
    return KeyMessages(
        made=made + ".",
        people=_people_line(s),
        needs_intro=(
            "Most in need of development, with the share of people whose score is "
            f"below {view.middle_name} (the middle band):"
            if needs
            else f"Nobody's score is below {view.middle_name}, the middle band, on any competency."
        ),
        needs=needs,
        groups=_group_lines(s),
        trust=_trust_line(s),
    )


def _people_line(s: TeamSummary) -> str:
    """'40 people, in 4 groups by Your team.'"""
    people = plural(s.counts.scored, "person", "people")
    parts = []
    for column, groups in s.groups.items():
        if groups.too_many_values:
            parts.append(f"more than {groups.max_values} groups by {column}")
            continue
        part = f"{plural(len(groups.values), 'group')} by {column}"
        hidden = sum(1 for g in groups.values.values() if g.suppressed)
        if hidden:
            part += f" ({hidden} too small to show)"
        parts.append(part)
    return f"{people}, in {' and '.join(parts)}." if parts else f"{people}."


def _group_lines(s: TeamSummary) -> list[str]:
    """The groups whose average differs from the rest by half a point or more."""
    if not s.groups:
        return []
    shown_any = any(
        not g.suppressed for column in s.groups.values() for g in column.values.values()
    )
    if not shown_any:
        return ["The groups are too small to compare without singling people out."]
    differences = s.group_differences
    if not differences:
        return ["No group's average differs from the rest of the team by half a point or more."]
    lines = []
    for d in differences[:KEY_DIFFERENCES]:
        where = f"{d.group} ({d.column})" if len(s.groups) > 1 else d.group
        word = "lower" if d.difference < 0 else "higher"
        lines.append(
            f"{where} scores {word} than the rest of the team on {d.name}: "
            f"an average of {score_text(d.mean)} against {score_text(d.rest_mean)}."
        )
    more = len(differences) - KEY_DIFFERENCES
    if more > 0:
        lines.append(f"{plural(more, 'more difference')} of half a point or more, under Groups.")
    return lines


def _trust_line(s: TeamSummary) -> str:
    """One sentence on how far to trust the scores, from the number of people and alpha."""
    n = s.counts.scored
    alphas = [c.alpha for c in s.competencies.values() if c.alpha is not None]
    weak = [c.name for c in s.competencies.values() if c.alpha is not None and c.alpha < ALPHA_LOW]
    if n < FEW_PEOPLE:
        return f"With only {plural(n, 'person', 'people')}, read the scores as a rough guide."
    if not alphas:
        return "There were too few answers to tell how far the scores can be trusted."
    if weak:
        names = ", ".join(weak[:-1]) + (" and " if len(weak) > 1 else "") + weak[-1]
        their = "its statements" if len(weak) == 1 else "their statements"
        return (
            f"With {n} people the scores are a fair guide, but read {names} with care: "
            f"{their} did not hang together (reliability below {ALPHA_LOW})."
        )
    if min(alphas) >= ALPHA_GOOD:
        return (
            f"With {n} people the scores are a good guide: the statements of every "
            f"competency hung together well (reliability {ALPHA_GOOD} or more)."
        )
    return (
        f"With {n} people the scores are a fair guide: the statements of every competency "
        f"hung together at least fairly well (reliability {ALPHA_LOW} or more)."
    )


def data_lines(s: TeamSummary) -> list[str]:
    """What happened to the rows of the file, for the Data section."""
    counts = s.counts
    lines = [
        f"{plural(counts.scored, 'person', 'people')} scored from {counts.rows} "
        f"{'row' if counts.rows == 1 else 'rows'} of {s.source}."
    ]
    if counts.not_scored:
        lines.append(
            f"{plural(counts.not_scored, 'row')} could not be scored; the reasons are below."
        )
    if counts.skipped:
        lines.append(f"{plural(counts.skipped, 'empty row')} skipped.")
    if s.anonymised:
        lines.append("Respondents are shown by pseudonym; names are left out.")
    return lines


# ----------------------------------------------------------------------------- Markdown


def render_summary_markdown(summary: TeamSummary) -> str:
    """The team summary as Markdown."""
    view = _View(summary)
    s = summary
    out: list[str] = []
    add = out.append
    add(f"# Team summary: {md(s.framework['title'])} {md(s.framework['version'])}")
    add("")
    _key_messages_markdown(view, add)

    add("## Team profile")
    add("")
    add(
        f"The team's average score for each competency, on the scale {view.low} to {view.high}. "
        f"The bands start at: "
        + ", ".join(f"{md(b['name'])} {b['min']:g}" for b in view.bands)
        + ". The spread (standard deviation, SD) shows how far people's scores differ: "
        "about two in three people are within one SD of the average."
    )
    add("")
    add(
        "| Competency | Chart | Average | Band | Middle score (median) | Spread (SD) "
        "| Lowest | Highest | People |"
    )
    add("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for c in s.competencies.values():
        add(
            f"| {md(c.name)} | `{view.text_bar(c.mean)}` | {score_text(c.mean)} | "
            f"{md(view.band_name(c.mean))} | {score_text(c.median)} | {score_text(c.sd)} | "
            f"{score_text(c.min)} | {score_text(c.max)} | {c.n} |"
        )
    add(
        f"| **Overall** | `{view.text_bar(s.overall.mean)}` | {score_text(s.overall.mean)} | "
        f"{md(view.band_name(s.overall.mean))} | {score_text(s.overall.median)} | "
        f"{score_text(s.overall.sd)} | {score_text(s.overall.min)} | {score_text(s.overall.max)} | "
        f"{s.overall.n} |"
    )
    add("")
    add("| Theme | Average | Band | People |")
    add("| --- | ---: | --- | ---: |")
    for tid, stats in s.themes.items():
        add(
            f"| {md(s.theme_names[tid])} | {score_text(stats.mean)} | "
            f"{md(view.band_name(stats.mean))} | {stats.n} |"
        )
    add("")

    add("## Where development is most needed")
    add("")
    add(
        f"Competencies in order of the share of people below the middle band "
        f"({md(view.middle_name)}). The first ones are where training would help most people."
    )
    add("")
    for rank, need in enumerate(s.training_needs, start=1):
        if need.n:
            add(
                f"{rank}. **{md(need.name)}**: {percent(need.share_below_middle)} "
                f"({need.below_middle} of {need.n}) below {md(view.middle_name)}."
            )
        else:
            add(f"{rank}. **{md(need.name)}**: nobody was scored.")
        if rank <= 3 and need.below_middle:
            for action in need.actions:
                add(f"    - {md(action)}")
    add("")

    _blind_spots_markdown(s, add)

    add("## How the scores are spread")
    add("")
    band_heads = " | ".join(md(b["name"]) for b in view.bands)
    add(f"| Competency | {band_heads} | Not scored |")
    add("| --- | " + " | ".join("---:" for _ in view.bands) + " | ---: |")
    for cid, c in s.competencies.items():
        cells = " | ".join(
            f"{row['count']} ({percent(row['share'])})" for row in view.distribution(cid)
        )
        add(f"| {md(c.name)} | {cells} | {c.not_scored} |")
    add("")

    _groups_markdown(view, add)
    _baseline_markdown(view, add)
    _heatmap_markdown(view, add)

    add("## How far to trust each score")
    add("")
    add(md(ALPHA_EXPLAINED))
    add("")
    add(md(items.RELIABILITY_EXPLAINED))
    add("")
    add(
        "| Competency | Reliability (Cronbach's alpha) | Likely range (95%) "
        "| Measurement error | What it means |"
    )
    add("| --- | ---: | ---: | ---: | --- |")
    for c in s.competencies.values():
        panel = c.item_panel
        sem = statistic_text(panel.sem if panel else None)
        add(
            f"| {md(c.name)} | {statistic_text(c.alpha)} | {items.range_text(panel)} | {sem} "
            f"| {md(items.meaning(c, competency_alpha_words(c)))} |"
        )
    add("")
    _items_markdown(view, add)

    add("## Response quality")
    add("")
    add(
        f"- Straight-lining (the same answer to every statement): "
        f"{plural(s.quality.straight_lining, 'person', 'people')}."
    )
    incomplete = {k: v for k, v in s.quality.flags.items() if k.startswith("incomplete:")}
    if incomplete:
        add("- Competencies not scored because too few of their statements were answered:")
        for flag, count in incomplete.items():
            cid = flag.split(":", 1)[1]
            name = s.competencies[cid].name if cid in s.competencies else cid
            add(f"    - {md(name)}: {plural(count, 'person', 'people')}")
    add("")

    _problems_markdown(view, add)
    return "\n".join(out).rstrip() + "\n"


def _items_markdown(view: _View, add: Any) -> None:
    s = view.s
    panels = [c for c in s.competencies.values() if c.item_panel and c.item_panel.items]
    if not panels:
        return
    add("## How each statement worked (item analysis)")
    add("")
    add(md(items.panel_intro(s)))
    add("")
    add(f"Answers: {md(items.scale_key(s))}.")
    add("")
    keys = items.answer_keys(s)
    heads = " | ".join(md(h) for h in items.answer_heads(s))
    for c in panels:
        panel = c.item_panel
        assert panel is not None
        add(f"### {md(c.name)}")
        add("")
        add(md(items.panel_line(c)))
        add("")
        add(f"| Statement | Average | {heads} | Goes with the rest | Reliability without it |")
        add("| --- | ---: | " + " | ".join("---:" for _ in keys) + " | ---: | ---: |")
        for item in panel.items:
            cells = [*items.item_cells(item, keys), *items.statistic_cells(item)]
            add(f"| {md(items.item_label(item))} | " + " | ".join(cells) + " |")
        add("")
        flagged = items.flagged(panel)
        for item, flag in flagged:
            add(f"- Flagged: **{md(item.id)}**. {md(flag)}")
        if not flagged:
            add("No statement is flagged.")
        caveat = items.flag_caveat(panel)
        if caveat:
            add("")
            add(md(caveat))
        add("")


def blind_spots_intro(s: TeamSummary) -> str:
    """What the collective blind spots are, in plain words (a multi-rater run only)."""
    raters = s.raters
    assert raters is not None
    return (
        f"{plural(raters.people, 'person', 'people').capitalize()} were rated, in "
        f"{plural(raters.ratings, 'rating')}. For each competency, the share of people who "
        f"score themselves at least {raters.blind_spot:g} point"
        f"{'' if raters.blind_spot == 1 else 's'} higher than others do: the team's "
        "blind spots. Only people whose own and others' scores are both shown count. "
        f"A share of fewer than {s.min_group_size} people is not shown."
    )


def _blind_spots_markdown(s: TeamSummary, add: Any) -> None:
    if s.raters is None:
        return
    add("## The team's blind spots")
    add("")
    add(md(blind_spots_intro(s)))
    add("")
    add("| Competency | People with a blind spot | Share | People compared |")
    add("| --- | ---: | ---: | ---: |")
    for share in s.raters.blind_spots:
        count = "-" if share.blind_spots is None else str(share.blind_spots)
        add(f"| {md(share.name)} | {count} | {percent(share.share)} | {share.people} |")
    add("")


def _key_messages_markdown(view: _View, add: Any) -> None:
    keys = key_messages(view)
    add("## Key messages")
    add("")
    add(f"- {md(keys.made)}")
    add(f"- {md(keys.people)}")
    add(f"- {md(keys.needs_intro)}")
    for rank, need in enumerate(keys.needs, start=1):
        add(f"    {rank}. {md(need)}")
    for line in keys.groups:
        add(f"- {md(line)}")
    add(f"- {md(keys.trust)}")
    add("")


def _groups_markdown(view: _View, add: Any) -> None:
    s = view.s
    if not s.groups:
        return
    add("## Comparison between groups")
    add("")
    add(
        f"Average score per competency for each group. Groups of fewer than "
        f"{s.min_group_size} people are hidden, so nobody can be singled out; when one group "
        "is hidden, another is hidden too, so it cannot be worked out from the totals."
    )
    add("")
    for column, groups in s.groups.items():
        add(f"### By {md(column)}")
        add("")
        if groups.too_many_values:
            add(
                f"This column has more than {groups.max_values} different values, "
                "too many to compare."
            )
            add("")
            continue
        names = list(groups.values)
        add(f"Key: {md(view.legend_text())}.")
        add("")
        add("| Competency | " + " | ".join(md(n) for n in names) + " |")
        add("| --- | " + " | ".join("---:" for _ in names) + " |")
        add(
            "| People | "
            + " | ".join(str(g.n) if not g.suppressed else "hidden" for g in groups.values.values())
            + " |"
        )
        for cid, c in s.competencies.items():
            cells = [
                "hidden" if g.suppressed or g.means is None else view.cell_text(g.means.get(cid))
                for g in groups.values.values()
            ]
            add(f"| {md(c.name)} | " + " | ".join(cells) + " |")
        add("")
        for name, g in groups.values.items():
            if g.suppressed:
                add(f"- {md(name)} is hidden: {md(g.reason or '')}.")
        add("")


def _baseline_markdown(view: _View, add: Any) -> None:
    b = view.s.baseline
    if b is None:
        return
    add("## Change since the baseline")
    add("")
    add(
        f"Compared with {md(b.source)}: {plural(b.paired, 'person', 'people')} answered both "
        f"rounds. {plural(b.only_in_this_round, 'person', 'people')} answered only this round "
        f"and {plural(b.only_in_baseline, 'person', 'people')} only the baseline; they are "
        "left out of the change."
    )
    add("")
    add("| Competency | People in both | Average change | Improved | Declined | No change |")
    add("| --- | ---: | ---: | ---: | ---: | ---: |")
    names = {cid: c.name for cid, c in view.s.competencies.items()} | {"overall": "Overall"}
    for cid, c in b.competencies.items():
        add(
            f"| {md(names.get(cid, cid))} | {c.paired} | {change_text(c.mean_change)} | "
            f"{c.improved} | {c.declined} | {c.unchanged} |"
        )
    add("")


def _heatmap_markdown(view: _View, add: Any) -> None:
    s = view.s
    if not s.heatmap:
        return
    add("## Everyone's scores")
    add("")
    add(
        "Each person's score for each competency (columns in the order of the team profile), "
        f"with the symbol of its band: {md(view.legend_text())}."
    )
    add("")
    heads = [f"C{i}" for i in range(1, len(view.competency_ids) + 1)]
    add("| Person | " + " | ".join(heads) + " | Overall |")
    add("| --- | " + " | ".join("---:" for _ in heads) + " | ---: |")
    for group, rows in view.heatmap_groups():
        if group is not None:
            add(f"| **{md(group)}** | " + " | ".join("" for _ in heads) + " |  |")
        for row in rows:
            label = row.name or row.respondent
            add(
                f"| {md(label)} | "
                + " | ".join(view.cell_text(v) for v in row.scores)
                + f" | {view.cell_text(row.overall)} |"
            )
    add("")
    add(
        "Key: "
        + "; ".join(
            f"C{i} {md(s.competencies[cid].name)}"
            for i, cid in enumerate(view.competency_ids, start=1)
        )
        + "."
    )
    add("")


def _problems_markdown(view: _View, add: Any) -> None:
    s = view.s
    add("## Data")
    add("")
    for line in data_lines(s):
        add(f"- {md(line)}")
    columns = s.columns
    if columns.ignored:
        add(
            "- Columns ignored because they are not statements: "
            + ", ".join(md(c) for c in columns.ignored)
            + "."
        )
    if columns.items_without_column:
        add(
            "- Statements with no column in the file: "
            + ", ".join(md(c) for c in columns.items_without_column)
            + "."
        )
    respondent = md(columns.respondent) if columns.respondent else no_id_column(s)
    add(f"- Respondent column: {respondent}.")
    for warning in s.warnings:
        add(f"- {md(warning)}")
    if not s.problems:
        add("- No problems were found in the rows.")
        add("")
        return
    add(
        f"- {plural(s.counts.problems, 'problem')} in {plural(s.counts.with_problems, 'row')}. "
        "All are listed in problems.csv."
    )
    add("")
    add("| Line | Column | Value | Problem |")
    add("| ---: | --- | --- | --- |")
    for p in s.problems:
        add(f"| {p.line} | {md(p.column)} | {md(p.value)} | {md(p.problem)} |")
    if s.counts.problems > len(s.problems):
        add("")
        add(f"The first {len(s.problems)} are shown; see problems.csv for the rest.")
    add("")


# ----------------------------------------------------------------------------- HTML


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates in the user's own cache folder, or None: no cache if there is none."""
    folder = private_folder_or_none(cache_home() / "jinja")
    return None if folder is None else jinja2.FileSystemBytecodeCache(str(folder))


def _environment() -> jinja2.Environment:
    # Compiling the template takes longer than scoring a small team, so the compiled
    # code is cached (keyed by a checksum of the template, so edits are picked up).
    # make_environment turns any trouble with the cache into running without one.
    env = make_environment(_bytecode_cache())
    env.filters["num"] = score_text
    env.filters["statistic"] = statistic_text
    env.filters["pct"] = percent
    env.filters["change"] = change_text
    env.filters["alpha_words"] = alpha_words
    env.filters["competency_alpha_words"] = competency_alpha_words
    env.filters["no_id_column"] = no_id_column
    return env


def render_summary_html(summary: TeamSummary) -> str:
    """The team summary as one self-contained HTML page."""
    template = _environment().get_template(TEMPLATE)
    return template.render(
        s=summary,
        v=_View(summary),
        alpha_explained=ALPHA_EXPLAINED,
        panel=items,
        key_messages=key_messages,
        data_lines=data_lines,
        blind_spots_intro=blind_spots_intro,
    )


class RichProgress:
    """A progress bar on stderr, shown while a big file is read."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

        self._progress = Progress(
            "Scoring",
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        """Show that `done` of `total` bytes are read."""
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task("scoring", total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        """Remove the bar."""
        if self._task is not None:
            self._progress.stop()


# ----------------------------------------------------------------------------- stderr

GROUP_LIKE = {
    "team", "yourteam", "department", "service", "site", "location", "group", "region",
    "role", "jobrole", "yourrole", "organisation", "agency",
}  # fmt: skip


def _some(names: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def summary_items(summary: TeamSummary) -> int:
    """How many statements the framework has."""
    return sum(len(c.items) for c in summary.competencies.values())


def summary_lines(result: BatchResult) -> list[str]:
    """The short report printed on stderr at the end of a run."""
    summary = result.summary
    counts = summary.counts
    columns = summary.columns
    lines = [f"Warning: {w}" for w in result.warnings]
    if columns.ignored:
        count = len(columns.ignored)
        what = "column that is not a statement" if count == 1 else "columns that are not statements"
        lines.append(f"Ignored {count} {what}: {_some(columns.ignored)}")
        groups = [c for c in columns.ignored_headings if normalise(c) in GROUP_LIKE]
        if groups and not columns.groups:
            lines.append(f"Tip: add --group-by '{groups[0]}' to compare groups.")
    if columns.items_without_column:
        missing = columns.items_without_column
        lines.append(
            f"No column for {plural(len(missing), 'statement')} of {summary_items(summary)}: "
            + _some(missing)
        )
        unscorable = [c.name for c in summary.competencies.values() if not c.scorable]
        if unscorable:
            lines.append(
                f"So {plural(len(unscorable), 'competency', 'competencies')} cannot be scored: "
                + _some(unscorable)
            )
    if columns.respondent is None and summary.raters is None:  # a 360 names people rated
        lines.append("No respondent id column found, so rows are named by line number.")
    raters = summary.raters
    if raters is None:
        lines.append(
            f"Scored {counts.scored} of {counts.rows} rows from {summary.source} "
            f"against {summary.framework['title']} {summary.framework['version']}."
        )
    else:
        lines.append(
            f"Scored {plural(raters.ratings, 'rating')} of "
            f"{plural(raters.people, 'person', 'people')} ({counts.rows} rows) from "
            f"{summary.source} against {summary.framework['title']} "
            f"{summary.framework['version']}. {raters.rated_by_others} of them "
            f"{'has' if raters.rated_by_others == 1 else 'have'} others' ratings shown; "
            f"the team figures are from {plural(counts.scored, 'self rating')}."
        )
    if counts.skipped:
        lines.append(f"Skipped {plural(counts.skipped, 'empty row')}.")
    if counts.problems:
        lines.append(
            f"{plural(counts.problems, 'problem')} in {plural(counts.with_problems, 'row')}: "
            f"see {result.out / 'problems.csv'}"
        )
    else:
        lines.append("No problems found in the rows.")
    baseline = summary.baseline
    if baseline is not None:
        lines.append(
            f"Compared with {baseline.source}: {plural(baseline.paired, 'person', 'people')} "
            "in both rounds."
        )
        if baseline.problems:
            lines.append(
                f"{plural(baseline.problems, 'problem')} in {baseline.source}, also listed "
                "in problems.csv."
            )
    lines.append(f"Files are in {result.out}; open summary.html for the team summary.")
    return lines


def team_renderers(reports: ReportChoice) -> Renderers:
    """The renderers a team run draws its summaries and people's reports with."""
    from goodpartners.render import ReportFormat
    from goodpartners.team.batch import Renderers, ReportChoice

    fmt = ReportFormat(reports.value) if reports is not ReportChoice.none else None

    def person(framework: Framework, assessment: Assessment, others: OthersView | None) -> str:
        # The report's models and renderers load only when people's reports are asked for.
        from goodpartners.personal.report import build_report
        from goodpartners.render import render

        assert fmt is not None, "people's reports were not asked for"
        return render(build_report(framework, assessment, others=others), fmt)

    return Renderers(person, render_summary_markdown, render_summary_html)


def terminal_progress() -> RichProgress | None:
    """A progress bar on stderr when stderr is a terminal, else None."""
    return RichProgress() if sys.stderr.isatty() else None
