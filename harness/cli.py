"""The ``splitbrain`` command line: maps options onto typed configs, nothing more."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

import click

from checkers.verdict import ExitCode
from harness.kernel.errors import BadInputError
from harness.shell import commands


class SplitbrainGroup(click.Group):
    """A click group whose exit codes follow DESIGN.md.

    Verbs are loaded lazily from :mod:`harness.shell.commands`. Usage errors exit 254 (click's
    default 2 would read as "unknown"), an interrupted command exits 130, and an unexpected
    exception exits 255 with a one-line message (the traceback is printed when
    ``SPLITBRAIN_DEBUG=1``).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(commands.VERBS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or commands.load(cmd_name)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: object,
    ) -> NoReturn:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as e:
            e.show()
            sys.exit(ExitCode.BAD_INPUT)
        except BadInputError as e:  # any verb: input the user can fix
            click.echo(f"splitbrain: {e}", err=True)
            sys.exit(ExitCode.BAD_INPUT)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            sys.exit(130)
        except SystemExit:
            raise
        except Exception as e:
            if os.environ.get("SPLITBRAIN_DEBUG") == "1":
                traceback.print_exc()
            click.echo(f"splitbrain: internal error: {type(e).__name__}: {e}", err=True)
            if isinstance(e, ModuleNotFoundError):  # e.g. a dependency added since the install
                click.echo("splitbrain: the installation is incomplete or out of date: re-run "
                           "scripts/setup (or pip install -e .)", err=True)
            sys.exit(ExitCode.HARNESS_FAILED)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(
    cls=SplitbrainGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="splitbrain")
def cli() -> None:
    """Splitbrain: Jepsen-style correctness tests for distributed databases.

    Start a target cluster, drive a workload from concurrent clients while a nemesis injects
    faults, record the history, check it, and exit with a verdict:
    0 valid, 1 invalid, 2 unknown, 254 bad input, 255 harness failure.
    """



def main() -> None:
    """Console-script entry point."""
    cli.main()


__all__ = ["cli", "main"]
