"""One module per CLI verb; each exposes a click command named ``command``."""

from __future__ import annotations

import importlib

import click

VERBS: tuple[str, ...] = (
    "check",
    "cleanup",
    "gate",
    "report",
    "run",
    "serve",
)
"""Modules under ``harness.commands`` that define a verb (add yours here)."""


def register(group: click.Group) -> None:
    """Attach every verb to the ``splitbrain`` group."""
    for name in VERBS:
        module = importlib.import_module(f"harness.commands.{name}")
        group.add_command(module.command)


__all__ = ["VERBS", "register"]
