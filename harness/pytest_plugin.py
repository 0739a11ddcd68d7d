"""The pytest plugin (entry point ``pytest11``, name ``splitbrain``): Splitbrain tests in your own
test suite, with the verdict as an assertion.

    from checkers.verdict import Verdict

    def test_my_kv_survives_partitions(splitbrain):
        outcome = splitbrain.run(target="example-kv", nemesis="partition", time_limit=10)
        outcome.expect(Verdict.VALID)   # or: assert outcome.valid

``splitbrain.run`` takes the options of ``splitbrain run`` (see :mod:`harness.shell.testing`); runs
are stored under the test's ``tmp_path`` unless ``store=`` or the pytest option
``--splitbrain-store DIR`` says otherwise. When a test fails, pytest's report gets a
``splitbrain`` section with every run of the test: its verdict, seed and report path.
Disable the plugin with ``-p no:splitbrain``. Nothing heavy is imported until a run starts.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.kernel.config import TestConfig
    from harness.shell.testing import Outcome

_RUNS = pytest.StashKey[list["Outcome"]]()


class Splitbrain:
    """The ``splitbrain`` fixture: runs tests, remembers their outcomes."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.outcomes: list[Outcome] = []

    def config(self, *args: str, **options: object) -> TestConfig:
        """The test configuration ``run`` would use (nothing is started)."""
        from harness.shell.testing import config

        options.setdefault("store", self.store)
        return config(*args, **options)

    def run(self, *args: str, **options: object) -> Outcome:
        """Run ``splitbrain run ARGS OPTIONS``; the outcome's verdict is yours to assert."""
        from harness.shell.testing import run

        options.setdefault("store", self.store)
        outcome = run(*args, **options)
        self.outcomes.append(outcome)
        return outcome


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("splitbrain")
    group.addoption("--splitbrain-store", default=None, metavar="DIR",
                    help="Store the runs of the splitbrain fixture here (default: each test's "
                         "tmp_path/store).")


@pytest.fixture
def splitbrain(request: pytest.FixtureRequest, tmp_path: Path) -> Splitbrain:
    """Run Splitbrain tests (see :class:`Splitbrain`); failures name the runs' reports."""
    chosen = request.config.getoption("--splitbrain-store")
    fixture = Splitbrain(Path(chosen) if chosen else tmp_path / "store")
    request.node.stash[_RUNS] = fixture.outcomes
    return fixture


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    outcomes = item.stash.get(_RUNS, [])
    if report.failed and outcomes:
        lines = [f"{o.verdict.value:<8} {o.test.name}, seed {o.test.seed}: {o.report}"
                 for o in outcomes]
        report.sections.append(("splitbrain runs", "\n".join(lines)))
    return report


__all__ = ["Splitbrain", "splitbrain"]
