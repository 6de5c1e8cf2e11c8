"""'goodpartners framework': list, show, validate and describe frameworks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from goodpartners.cli.common import EXIT_DATA
from goodpartners.cli.root import app
from goodpartners.errors import FrameworkError

if TYPE_CHECKING:  # the core loads when a command runs, not for --help or --version
    from goodpartners.models import Framework

framework_app = typer.Typer(
    no_args_is_help=True, help="List, show, check and describe competency frameworks."
)


app.add_typer(framework_app, name="framework")


def _summary(framework: Framework) -> str:
    scale = framework.scale
    return (
        f"{framework.competency_count} competencies, {framework.item_count} items, "
        f"scale {scale.min}-{scale.max} ({scale.labels[scale.min]} to {scale.labels[scale.max]})"
    )


@framework_app.command("list")
def framework_list() -> None:
    """List the frameworks you can use.

    Shows those that come with the tool and any in your own frameworks folder.
    """
    from goodpartners.framework_files import list_frameworks
    from goodpartners.frameworks import load_framework_file

    for entry in list_frameworks():
        try:
            framework = load_framework_file(entry.path)
            detail = f"{framework.title} {framework.version}: {_summary(framework)}"
        except FrameworkError as exc:
            count = len(exc.problems)
            detail = (
                f"has {count} problem{'s' if count != 1 else ''}; "
                f"run 'goodpartners framework validate {entry.path}' to see them"
            )
        typer.echo(f"{entry.name} ({entry.origin}) - {detail}")
        typer.echo(f"    {entry.path}")


@framework_app.command("show")
def framework_show(
    name: Annotated[
        str | None, typer.Argument(help="Framework name or YAML file.", show_default=False)
    ] = None,
) -> None:
    """Show a framework's themes, competencies and statements."""
    from goodpartners.frameworks import framework_outline, load_framework
    from goodpartners.scoring import scoring_rules

    framework = load_framework(name)
    typer.echo(framework_outline(framework))
    typer.echo("How scores work: " + scoring_rules(framework))


@framework_app.command("validate")
def framework_validate(
    paths: Annotated[
        list[Path], typer.Argument(help="One or more framework YAML files.", metavar="FILE")
    ],
) -> None:
    """Check framework files for problems.

    Lists every problem with its line and column, and exits with 1 if any file has one.
    """
    from goodpartners.frameworks import load_framework_file

    failed = 0
    for path in paths:
        try:
            framework = load_framework_file(path)
        except FrameworkError as exc:
            failed += 1
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            continue
        typer.echo(f"{path}: valid - {_summary(framework)}")
    if failed:
        typer.echo(
            f"Error: {failed} of {len(paths)} file{'s' if len(paths) != 1 else ''} "
            "failed; fix the problems listed above",
            err=True,
        )
        raise typer.Exit(EXIT_DATA)


@framework_app.command("schema")
def framework_schema() -> None:
    """Print the JSON Schema for framework files.

    Editors use it to check framework files and suggest keys as you type.
    """
    typer.echo(json.dumps(framework_json_schema(), indent=2, ensure_ascii=False))


def framework_json_schema() -> dict[str, Any]:
    """The JSON Schema of the framework format."""
    from goodpartners.models import Framework

    schema = Framework.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "goodpartners competency framework"
    return schema
