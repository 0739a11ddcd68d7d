"""The ``splitbrain`` command line: maps options onto typed configs, nothing more."""

from __future__ import annotations

import click

from harness import commands


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="splitbrain")
def cli() -> None:
    """Splitbrain: Jepsen-style correctness tests for distributed databases.

    Start a target cluster, drive a workload from concurrent clients while a nemesis injects
    faults, record the history, check it, and exit with a verdict:
    0 valid, 1 invalid, 2 unknown, 254 bad input, 255 harness failure.
    """


commands.register(cli)


def main() -> None:
    """Console-script entry point."""
    cli()


__all__ = ["cli", "main"]
