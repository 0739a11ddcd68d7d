"""Replay: the configuration of a stored run, read back from its ``test.json``."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from harness.kernel.config import ConfigError, TestConfig
from harness.kernel.errors import BadInputError
from harness.kernel.jsontypes import JSON


class ReplayError(BadInputError):
    """The run directory has no readable, complete ``test.json``."""


def config_from_json(data: JSON, *, store: Path | None = None) -> TestConfig:
    """The :class:`TestConfig` stored as ``{"test": {...}}`` (``store`` overrides its store)."""
    if not isinstance(data, dict) or not isinstance(data.get("test"), dict):
        raise ReplayError("expected an object with a 'test' object")
    try:
        config = TestConfig.from_json(data["test"])
    except ConfigError as e:
        raise ReplayError(str(e)) from None
    return config if store is None else dataclasses.replace(config, store=store)


def load_replay(run_dir: Path, *, store: Path | None = None) -> TestConfig:
    """The configuration of the run in ``run_dir``, with the same seed."""
    path = run_dir / "test.json"
    try:
        data: JSON = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ReplayError(f"{path}: cannot read it: {e.strerror or e} (is {run_dir} a run "
                          "directory?)") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReplayError(f"{path}: not JSON: {e}") from None
    try:
        return config_from_json(data, store=store)
    except ReplayError as e:
        raise ReplayError(f"{path}: {e}") from None


__all__ = ["ReplayError", "config_from_json", "load_replay"]
