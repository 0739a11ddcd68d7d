"""``splitbrain list``: the targets, workloads, nemeses and models installed, plugins included."""

from __future__ import annotations

import json
import sys

import click

from checkers.verdict import ExitCode
from harness.shell.catalog import Listing, Section, catalog


@click.command("list")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per line: section, name, origin, reference, description, "
                   "error.")
def command(as_json: bool) -> None:
    """List what `splitbrain run --target/--workload/--nemesis` and `splitbrain check --model`
    accept, and where each comes from: builtin, or the installed distribution whose entry point
    (groups splitbrain.targets, splitbrain.workloads, splitbrain.nemeses) declares it.

    Every plugin is imported to check it; exits 254 (after listing everything) if one cannot be
    imported, or clashes with a builtin or another plugin.
    """
    rows = catalog()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row.to_json()))
    else:
        _table(rows)
    broken = [row for row in rows if row.error is not None]
    for row in broken:
        click.echo(f"splitbrain list: {row.section.singular} plugin {row.name} ({row.origin}, "
                   f"{row.reference}): {row.error}", err=True)
    sys.exit(ExitCode.BAD_INPUT if broken else 0)


def _table(rows: list[Listing]) -> None:
    for section in Section:
        part = [row for row in rows if row.section is section]
        click.echo(f"{section.value}:")
        if not part:
            click.echo("  (none)")
            continue
        name_w = max(len(row.name) for row in part)
        origin_w = max(len(row.origin) for row in part)
        for row in part:
            text = row.description if row.error is None else f"BROKEN: {row.error}"
            where = "" if row.origin == "builtin" else f"  [{row.reference}]"
            click.echo(f"  {row.name:<{name_w}}  {row.origin:<{origin_w}}  {text}{where}".rstrip())
