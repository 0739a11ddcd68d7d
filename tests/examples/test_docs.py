"""The code in docs/own-target.md and docs/pytest.md is the real, tested code: each block is a
verbatim excerpt of the example plugin or of the suite's pytest-plugin test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plugin-kv"


def blocks(doc: Path) -> list[str]:
    return re.findall(r"^```(?:python|toml)\n(.*?)^```$", doc.read_text(), re.S | re.M)


@pytest.mark.parametrize(("doc", "sources", "at_least"), [
    ("own-target.md", [*sorted((EXAMPLE / "splitbrain_example_kv").glob("*.py")),
                       EXAMPLE / "pyproject.toml", EXAMPLE / "suite.toml"], 6),
    ("pytest.md", [ROOT / "tests" / "harness" / "test_pytest_plugin_integration.py"], 1),
])
def test_every_code_block_is_an_excerpt_of_tested_code(
    doc: str, sources: list[Path], at_least: int
) -> None:
    texts = [source.read_text() for source in sources]
    found = blocks(ROOT / "docs" / doc)
    assert len(found) >= at_least
    for block in found:
        assert any(block in text for text in texts), f"{doc}: not in the sources:\n{block}"


def test_the_example_suite_is_a_valid_gate_suite() -> None:
    from harness.shell.gate import load_suite

    suite = load_suite(EXAMPLE / "suite.toml")
    assert [(c.name, c.target, c.expect.value) for c in suite.cases] == [
        ("primary-reads", "example-kv", "valid"), ("local-reads", "example-kv", "invalid")]
