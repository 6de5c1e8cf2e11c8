"""The command line: parse options, call the core, render, write. Errors are translated here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from goodpartners import __version__
from goodpartners.errors import FrameworkError, GoodPartnersError
from goodpartners.frameworks import (
    framework_outline,
    list_frameworks,
    load_framework,
    load_framework_file,
)
from goodpartners.models import Framework
from goodpartners.scoring import scoring_rules

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Group(TyperGroup):
    """The root command group: the one place where core errors become messages."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FrameworkError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            count = len(exc.problems)
            typer.echo(
                f"Error: {count} problem{'s' if count != 1 else ''} in the framework; "
                "fix them and run 'goodpartners framework validate FILE' again",
                err=True,
            )
            raise typer.Exit(EXIT_DATA) from None
        except GoodPartnersError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("\nStopped.", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    cls=_Group,
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Check and grow your skills as a good partner in multi-agency work.",
)
framework_app = typer.Typer(
    no_args_is_help=True, help="List, show, check and describe competency frameworks."
)
app.add_typer(framework_app, name="framework")

FrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        "-f",
        help="A framework name from 'goodpartners framework list', or a YAML file.",
        show_default="good-partners",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"goodpartners {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and stop."
        ),
    ] = False,
) -> None:
    """Check and grow your skills as a good partner in multi-agency work."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


def _summary(framework: Framework) -> str:
    scale = framework.scale
    return (
        f"{framework.competency_count} competencies, {framework.item_count} items, "
        f"scale {scale.min}-{scale.max} ({scale.labels[scale.min]} to {scale.labels[scale.max]})"
    )


@framework_app.command("list")
def framework_list() -> None:
    """List the frameworks that come with the tool and any in your own folder."""
    for entry in list_frameworks():
        try:
            framework = load_framework_file(entry.path)
            detail = f"{framework.title} {framework.version}: {_summary(framework)}"
        except FrameworkError as exc:
            detail = f"has {len(exc.problems)} problem(s); run 'goodpartners framework validate'"
        typer.echo(f"{entry.name} ({entry.origin}) - {detail}")
        typer.echo(f"    {entry.path}")


@framework_app.command("show")
def framework_show(
    name: Annotated[
        str | None, typer.Argument(help="Framework name or YAML file.", show_default=False)
    ] = None,
) -> None:
    """Show a framework's themes, competencies and statements."""
    framework = load_framework(name)
    typer.echo(framework_outline(framework))
    typer.echo("How scores work: " + scoring_rules(framework))


@framework_app.command("validate")
def framework_validate(
    paths: Annotated[list[Path], typer.Argument(help="One or more framework YAML files.")],
) -> None:
    """Check framework files and list every problem with its line and column."""
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
    """Print the JSON Schema for framework files (for editors that autocomplete)."""
    typer.echo(json.dumps(framework_json_schema(), indent=2, ensure_ascii=False))


def framework_json_schema() -> dict[str, Any]:
    """The JSON Schema of the framework format."""
    schema = Framework.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "goodpartners competency framework"
    return schema


def main() -> None:
    """Entry point for the `goodpartners` console script."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - raised before a command runs
        sys.stderr.write("\nStopped.\n")
        sys.exit(EXIT_INTERRUPTED)
