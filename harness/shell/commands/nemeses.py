"""``splitbrain nemeses``: every built-in fault, every ``--nemesis-opt`` key and every targeted
pattern, read from the nemesis modules themselves (never a copy that could drift)."""

from __future__ import annotations

import click

from nemesis import options as nemesis_options
from nemesis.defaults import CANDIDATES, DEFAULT
from nemesis.patterns import PATTERNS
from nemesis.registry import builtins


def option_table() -> str:
    """The table of option keys in :mod:`nemesis.options`' docstring, and the text after it."""
    doc = nemesis_options.__doc__ or ""
    start = doc.find("=====")
    return doc[start:].rstrip() if start >= 0 else doc.strip()


def listing() -> str:
    lines = ["Nemeses (--nemesis a,b,c):"]
    factories = builtins()
    width = max(len(n) for n in [*factories, DEFAULT])
    default_names = ", ".join(n for n, _ in CANDIDATES)
    lines.append(f"  {DEFAULT:<{width}}  the default: {default_names}, as far as the target "
                 "and the runtime can take them")
    for name, factory in sorted(factories.items()):
        summary = (factory.__doc__ or "").strip().splitlines()
        lines.append(f"  {name:<{width}}  {summary[0] if summary else ''}".rstrip())
    lines += ["", "Options (--nemesis-opt K=V; K alone for every nemesis, or NAME.K for one):",
              option_table(), "",
              "Targeted patterns (drawn by the mixed schedule; --nemesis-opt patterns=...):"]
    width = max(len(p.name) for p in PATTERNS)
    for p in PATTERNS:
        needs = ", ".join(sorted(p.needs))
        lines.append(f"  {p.name:<{width}}  needs {needs}: {p.aims_at}")
    return "\n".join(lines)


@click.command("nemeses")
def command() -> None:
    """List the built-in faults, every --nemesis-opt key with its meaning and default, and the
    targeted fault patterns the schedule mixes in."""
    click.echo(listing())
