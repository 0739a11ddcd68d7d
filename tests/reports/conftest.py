"""Run directories generated once per session (histories + results by the real checkers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports.runs import (
    linearizable_checker,
    register_history,
    set_checker,
    set_history,
    write_run,
)


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with a valid register run, an invalid one (stale reads) and an invalid set run."""
    root = tmp_path_factory.mktemp("store")
    write_run(root / "register" / "20260101T100000.000",
              register_history(600, seed=5, fault_every=150),
              {"linearizable": linearizable_checker})
    write_run(root / "register" / "20260101T110000.000",
              register_history(300, seed=3, stale_reads=0.2, fault_every=100),
              {"linearizable": linearizable_checker})
    write_run(root / "set" / "20260101T120000.000", set_history(200, lose=2),
              {"set": set_checker}, name="set")
    return root


@pytest.fixture
def valid_run(store: Path) -> Path:
    return store / "register" / "20260101T100000.000"


@pytest.fixture
def invalid_run(store: Path) -> Path:
    return store / "register" / "20260101T110000.000"


@pytest.fixture
def set_run(store: Path) -> Path:
    return store / "set" / "20260101T120000.000"
