"""One module per CLI verb; each exposes a click command named ``command``."""

from __future__ import annotations

import importlib

import click

VERBS: tuple[str, ...] = (
    "analyze",
    "check",
    "cleanup",
    "gate",
    "list",
    "nemeses",
    "report",
    "run",
    "serve",
)
"""Modules under ``harness.shell.commands`` that define a verb (add yours here)."""


def load(name: str) -> click.Command | None:
    """The verb called ``name``, importing only its module (so ``splitbrain run`` does not pay
    for the checkers, reports or gate at start-up); ``None`` if there is no such verb."""
    if name not in VERBS:
        return None
    module = importlib.import_module(f"harness.shell.commands.{name}")
    command: click.Command = module.command
    return command


__all__ = ["VERBS", "load"]
