"""'goodpartners template' and 'goodpartners batch': the HR lead's side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from goodpartners.cli.common import FrameworkOption
from goodpartners.cli.root import app
from goodpartners.team.layouts import Source  # plain data only: start-up stays light


@app.command("template")
def template_command(
    framework: FrameworkOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (default: responses.csv, or responses.xlsx for a workbook).",
        ),
    ] = None,
    template_format: Annotated[
        Literal["csv", "xlsx", "xlsform"],
        typer.Option(
            "--format",
            help="csv: a blank CSV and a data dictionary; xlsx: an Excel workbook with "
            "drop-downs; xlsform: a form for KoboToolbox or ODK.",
        ),
    ] = "csv",
    raters: Annotated[
        bool,
        typer.Option(
            "--raters",
            help="A multi-rater (360) form: 'Who are you rating?' and 'How do you work "
            "with them?' columns. CSV only.",
        ),
    ] = False,
) -> None:
    """Write a blank team CSV and its data dictionary.

    Build a form or a shared spreadsheet from them; 'goodpartners batch' scores its export.
    """
    from goodpartners.frameworks import load_framework

    if raters:
        from goodpartners.errors import UsageError
        from goodpartners.team.template import write_raters_template

        if template_format != "csv":
            raise UsageError(
                f"--raters works with --format csv only, not {template_format}; build the "
                "form from the CSV and its data dictionary"
            )
        csv_path, dictionary = write_raters_template(
            load_framework(framework), output or Path("responses.csv")
        )
        typer.echo(
            f"Wrote {csv_path} (the columns of a 360 form) and {dictionary} (what they mean).",
            err=True,
        )
        return

    if template_format == "csv":
        from goodpartners.team.responses import write_template

        csv_path, dictionary = write_template(
            load_framework(framework), output or Path("responses.csv")
        )
        typer.echo(f"Wrote {csv_path} (the columns) and {dictionary} (what they mean).", err=True)
        return
    from goodpartners.team.template import write_workbook_template, write_xlsform

    target = output or Path("responses.xlsx")
    if template_format == "xlsx":
        write_workbook_template(load_framework(framework), target)
        typer.echo(
            f"Wrote {target} (a responses sheet with drop-downs, and the data dictionary).",
            err=True,
        )
    else:
        write_xlsform(load_framework(framework), target)
        typer.echo(
            f"Wrote {target} (an XLSForm: upload it to KoboToolbox or ODK Central).", err=True
        )


@app.command("batch")
def batch_command(
    responses: Annotated[
        Path, typer.Argument(help="The CSV or Excel export (.xlsx, .xlsm, .ods) of the answers.")
    ],
    framework: FrameworkOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder for the results.")] = Path(
        "goodpartners-report"
    ),
    id_column: Annotated[
        str | None,
        typer.Option(help="The column that identifies people (default: id, respondent or email)."),
    ] = None,
    name_column: Annotated[
        str | None, typer.Option(help="The column with names, for personal reports.")
    ] = None,
    group_by: Annotated[
        list[str] | None,
        typer.Option("--group-by", help="A column to compare groups by, such as team; repeatable."),
    ] = None,
    min_group_size: Annotated[
        int, typer.Option(min=1, help="Hide groups with fewer people than this.")
    ] = 5,
    anonymise: Annotated[
        bool, typer.Option("--anonymise", help="Show pseudonyms instead of people; drop names.")
    ] = False,
    pseudonym_key: Annotated[
        str | None,
        typer.Option(
            envvar="GOODPARTNERS_PSEUDONYM_KEY",
            help="A secret phrase that keeps pseudonyms the same from round to round.",
        ),
    ] = None,
    reports: Annotated[
        Literal["none", "md", "html"], typer.Option(help="Also write each person's own report.")
    ] = "none",
    baseline: Annotated[
        Path | None, typer.Option(help="An earlier round's CSV, to show the change.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="The file's encoding if it is not UTF-8, e.g. cp1252.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Score nothing if the data has any problem.")
    ] = False,
    sheet: Annotated[
        str | None,
        typer.Option(help="The sheet of an Excel workbook to read (default: the first)."),
    ] = None,
    source: Annotated[
        Source,
        typer.Option(help="The survey platform that wrote the file (default: told from it)."),
    ] = "auto",
    mapping: Annotated[
        Path | None,
        typer.Option(help="A YAML file that says which column holds which item."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Show how the file would be read and scored; write nothing."),
    ] = False,
    write_mapping: Annotated[
        Path | None,
        typer.Option(help="With --check: also write the column mapping used, as YAML."),
    ] = None,
    subject_column: Annotated[
        str | None,
        typer.Option(help="Multi-rater (360): the column saying who each rating is about."),
    ] = None,
    rater_column: Annotated[
        str | None,
        typer.Option(
            help="Multi-rater (360): the column saying how the rater knows them "
            "(self, manager, peer or partner)."
        ),
    ] = None,
    min_raters: Annotated[
        int,
        typer.Option(
            min=1, help="Multi-rater (360): show a group of raters only if it has this many."
        ),
    ] = 3,
) -> None:
    """Score a team's responses CSV and write a team summary.

    Writes scores.csv, problems.csv and summary.html, .md and .json to --out.
    """
    from goodpartners.errors import UsageError

    if write_mapping is not None and not check:
        raise UsageError("--write-mapping only works with --check; add --check")
    from goodpartners.frameworks import load_framework
    from goodpartners.render.team import summary_lines, team_renderers, terminal_progress
    from goodpartners.team import batch

    # --check writes nothing, not even the cache of checked frameworks.
    options = batch.BatchOptions(
        load_framework(framework, cached=not check), responses, out, id_column, name_column,
        tuple(group_by or ()), min_group_size, anonymise, pseudonym_key,
        batch.ReportChoice(reports), baseline, encoding, strict, source=source,
        sheet=sheet, mapping=mapping, subject_column=subject_column,
        rater_column=rater_column, min_raters=min_raters,
    )  # fmt: skip
    if check:
        from goodpartners.errors import NoMatchingColumnsError
        from goodpartners.team.check import check_batch, unmatched_message, write_checked_mapping

        checked = check_batch(options)
        for line in checked.lines:
            typer.echo(line)
        if write_mapping is not None:
            write_checked_mapping(options, checked, write_mapping)
            what = "a starter mapping" if checked.unmatched else "the column mapping used"
            typer.echo(f"Wrote {write_mapping} ({what}).", err=True)
        if checked.unmatched:
            raise NoMatchingColumnsError(unmatched_message(options, checked, write_mapping))
        return
    result = batch.run_batch(options, team_renderers(options.reports), terminal_progress())
    for line in summary_lines(result):
        typer.echo(line, err=True)
