"""The project's own suite through the gate, on real Raft KV clusters in namespaces (root).

``suites/raftkv.toml``: the correct mode must be valid under partitions, kills and clock faults,
and each bug mode must be found invalid. A suite whose expectation is deliberately wrong must
make the gate exit 1 with a readable message.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.shell.commands import gate
from harness.shell.gate import load_suite
from targets.raftkv.options import BUGS
from tests.conftest import ROOT

SUITE = ROOT / "suites" / "raftkv.toml"


def _bugs(path: Path) -> set[str | None]:
    return {dict(c.target_options).get("bug") for c in load_suite(path).cases
            if c.expect.value == "invalid"}


def test_the_suites_cover_every_bug_mode_and_the_correct_mode() -> None:
    assert _bugs(SUITE) == set(BUGS)
    suite = load_suite(SUITE)
    correct = [c for c in suite.cases if c.expect.value == "valid"]
    assert all("bug" not in dict(c.target_options) for c in correct)
    faults = {n for c in correct for n in c.nemesis}
    assert {"partition", "kill", "clock"} <= faults


@pytest.mark.integration
@pytest.mark.timeout(900)
def test_the_raftkv_suite_is_green(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = CliRunner().invoke(gate.command, [
        str(SUITE), "--store", str(tmp_path / "store"), "--junit", str(junit),
        "--save-baseline", str(tmp_path / "baseline.json"),
    ])
    print(result.output)
    assert result.exit_code == 0, result.output
    assert "gate raftkv: PASSED" in result.output
    root = ET.parse(junit).getroot()
    assert root.get("failures") == "0" and root.get("errors") == "0"
    assert int(root.get("tests") or 0) >= len(load_suite(SUITE).cases)
    assert (tmp_path / "store" / "gate-raftkv.html").is_file()
    assert (tmp_path / "baseline.json").is_file()


BROKEN = """
[[case]]
name = "correct-said-buggy"
nodes = 3
time-limit = 2
rate = 50
seeds = [5]
expect = "invalid"
"""


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_a_wrong_expectation_fails_the_gate_readably(tmp_path: Path) -> None:
    suite = tmp_path / "broken.toml"
    suite.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(gate.command, [str(suite), "--store", str(tmp_path / "store"),
                                               "--no-reports"])
    assert result.exit_code == 1, result.output
    assert "gate broken: FAILED: 1 of 1 case(s) broke their expectation" in result.output
    assert "seed 5: expected invalid (a known bug), found valid: the bug was not found" \
        in result.output
    assert str(tmp_path / "store" / "broken.correct-said-buggy") in result.output
