"""The root command and the one place where core errors become messages and exit codes."""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

import goodpartners
from goodpartners.cli.common import EXIT_DATA, EXIT_INTERRUPTED, check_only_given
from goodpartners.errors import (
    FrameworkError,
    GoodPartnersError,
)


class _Group(TyperGroup):
    """The root command group: the one place where core errors become messages."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        check_only_given(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FrameworkError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            count = len(exc.problems)
            typer.echo(
                f"Error: {count} problem{'s' if count != 1 else ''} in the framework; "
                f"fix {'them' if count != 1 else 'it'} and run "
                "'goodpartners framework validate FILE' again",
                err=True,
            )
            raise typer.Exit(EXIT_DATA) from None
        except GoodPartnersError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("\nStopped.", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except OSError as exc:
            # Files raise typed errors with their names, and the report's own writes say
            # so themselves (see to_stdout); a closed pipe is click's to handle.
            if exc.filename is not None or exc.errno == errno.EPIPE:
                raise
            typer.echo(
                f"Error: could not write ({exc.strerror or exc}); check that the disk has "
                "space and that you can write there, then run the command again",
                err=True,
            )
            raise typer.Exit(EXIT_DATA) from None


app = typer.Typer(
    cls=_Group,
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Check and grow your skills as a good partner in multi-agency work.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"goodpartners {goodpartners.__version__}")
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


def main() -> None:
    """Entry point for the `goodpartners` console script."""
    # Pydantic looks for plugins in every installed package's metadata, which costs
    # more at start-up than reading the framework. A plugin (such as a tracing tool)
    # would also see every answer a person gives; this tool wants none. typer turns
    # them off for its own option checks in the same way. A value set by the person
    # running the tool wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - raised before a command runs
        sys.stderr.write("\nStopped.\n")
        sys.exit(EXIT_INTERRUPTED)
