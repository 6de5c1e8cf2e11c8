"""The team summary for people: summary.md and a self-contained summary.html.

Both take the TeamSummary model and return text. The HTML page has its styles inline,
makes no outside requests, autoescapes every value, and puts a table behind every chart.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import jinja2

from goodpartners.files import private_folder_or_none
from goodpartners.frameworks import cache_home
from goodpartners.render.common import change_text, score_text, statistic_text
from goodpartners.render.html import make_environment
from goodpartners.team.responses import normalise
from goodpartners.team.summary import TeamSummary

if TYPE_CHECKING:
    from goodpartners.models import Assessment, Framework
    from goodpartners.team.batch import BatchResult, Renderers, ReportChoice

BAND_TINTS = ("#f4d6d2", "#f7e8bf", "#d3ead5", "#d4e6f4", "#e6daf0")
BAND_BARS = ("#a4372a", "#8a6100", "#2e6b36", "#245a85", "#5f3a85")
TEXT_BAR = 20
NO_ID_COLUMN = "none found, so rows are named by line number"
TEMPLATE = "team_summary.html.j2"
ALPHA_GOOD = 0.7
ALPHA_LOW = 0.6

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
        self.competency_ids = list(summary.competencies)

    def position(self, score: float | None) -> float:
        """Where a score sits on the scale, in per cent."""
        if score is None:
            return 0.0
        return round(max(0.0, min(1.0, (score - self.low) / (self.high - self.low))) * 100, 2)

    def band_index(self, score: float | None) -> int | None:
        """The index of the band a score falls in."""
        if score is None:
            return None
        chosen = 0
        for index, band in enumerate(self.bands):
            if score + 1e-9 >= band["min"]:
                chosen = index
        return chosen

    def band_name(self, score: float | None) -> str:
        """The name of the band a score falls in, or a dash."""
        index = self.band_index(score)
        return "-" if index is None else str(self.bands[index]["name"])

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
                    "tint": BAND_TINTS[index % len(BAND_TINTS)],
                }
            )
        return result

    def text_bar(self, score: float | None) -> str:
        """A text bar such as '#########-----------'."""
        if score is None:
            return ""
        filled = round(self.position(score) / 100 * TEXT_BAR)
        return "#" * filled + "-" * (TEXT_BAR - filled)

    def headline(self) -> list[str]:
        """The few sentences at the top of the summary."""
        s = self.s
        counts = s.counts
        lines = [
            f"{plural(counts.scored, 'person', 'people')} scored from {counts.rows} "
            f"{'row' if counts.rows == 1 else 'rows'} of {s.source}."
        ]
        if counts.not_scored:
            lines.append(
                f"{plural(counts.not_scored, 'row')} could not be scored; "
                "the reasons are under Data problems."
            )
        if counts.skipped:
            lines.append(f"{plural(counts.skipped, 'empty row')} skipped.")
        top = [n for n in s.training_needs if n.share_below_middle]
        if top:
            need = top[0]
            lines.append(
                f"Most development needed: {need.name} "
                f"({percent(need.share_below_middle)} of people are below {self.middle_name})."
            )
        if s.anonymised:
            lines.append("Respondents are shown by pseudonym; names are left out.")
        return lines

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
                    "tint": BAND_TINTS[index % len(BAND_TINTS)],
                    "bar": BAND_BARS[index % len(BAND_BARS)],
                }
            )
        return rows

    def heat_tint(self, score: float | None) -> str:
        """The background of a heatmap cell."""
        index = self.band_index(score)
        return "#ffffff" if index is None else BAND_TINTS[index % len(BAND_TINTS)]


# ----------------------------------------------------------------------------- Markdown


def render_summary_markdown(summary: TeamSummary) -> str:
    """The team summary as Markdown."""
    view = _View(summary)
    s = summary
    out: list[str] = []
    add = out.append
    add(f"# Team summary: {md(s.framework['title'])} {md(s.framework['version'])}")
    add("")
    for line in view.headline():
        add(md(line) + "  ")
    add("")

    add("## Team profile")
    add("")
    add(
        f"The team's average score for each competency, on the scale {view.low} to {view.high}. "
        f"The bands start at: "
        + ", ".join(f"{md(b['name'])} {b['min']:g}" for b in view.bands)
        + "."
    )
    add("")
    add("| Competency | Chart | Mean | Band | Median | SD | Min | Max | People |")
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
    add("| Theme | Mean | Band | People |")
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
    add("| Competency | Alpha | What it means |")
    add("| --- | ---: | --- |")
    for c in s.competencies.values():
        add(f"| {md(c.name)} | {statistic_text(c.alpha)} | {md(alpha_words(c.alpha))} |")
    add("")

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
        add("| Competency | " + " | ".join(md(n) for n in names) + " |")
        add("| --- | " + " | ".join("---:" for _ in names) + " |")
        add(
            "| People | "
            + " | ".join(str(g.n) if not g.suppressed else "hidden" for g in groups.values.values())
            + " |"
        )
        for cid, c in s.competencies.items():
            cells = [
                "hidden" if g.suppressed or g.means is None else score_text(g.means.get(cid))
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
    add("| Competency | People in both | Mean change | Improved | Declined | No change |")
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
    add("Each person's score for each competency (columns in the order of the team profile).")
    add("")
    heads = [f"C{i}" for i in range(1, len(view.competency_ids) + 1)]
    add("| Person | " + " | ".join(heads) + " | Overall |")
    add("| --- | " + " | ".join("---:" for _ in heads) + " | ---: |")
    for row in s.heatmap:
        label = row.name or row.respondent
        add(
            f"| {md(label)} | "
            + " | ".join(score_text(v) for v in row.scores)
            + f" | {score_text(row.overall)} |"
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
    add("## Data problems")
    add("")
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
    respondent = md(columns.respondent) if columns.respondent else NO_ID_COLUMN
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
    return env


def render_summary_html(summary: TeamSummary) -> str:
    """The team summary as one self-contained HTML page."""
    template = _environment().get_template(TEMPLATE)
    return template.render(s=summary, v=_View(summary), alpha_explained=ALPHA_EXPLAINED)


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
    if columns.respondent is None:
        lines.append("No respondent id column found, so rows are named by line number.")
    lines.append(
        f"Scored {counts.scored} of {counts.rows} rows from {summary.source} "
        f"against {summary.framework['title']} {summary.framework['version']}."
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
    from goodpartners.personal.report import build_report
    from goodpartners.render import ReportFormat, render
    from goodpartners.team.batch import Renderers, ReportChoice

    fmt = ReportFormat(reports.value) if reports is not ReportChoice.none else None

    def person(framework: Framework, assessment: Assessment) -> str:
        assert fmt is not None, "people's reports were not asked for"
        return render(build_report(framework, assessment), fmt)

    return Renderers(person, render_summary_markdown, render_summary_html)


def terminal_progress() -> RichProgress | None:
    """A progress bar on stderr when stderr is a terminal, else None."""
    return RichProgress() if sys.stderr.isatty() else None
