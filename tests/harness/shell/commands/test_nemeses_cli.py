from __future__ import annotations

from click.testing import CliRunner

from harness.cli import cli
from nemesis.options import KEYS
from nemesis.patterns import PATTERN_NAMES
from nemesis.registry import builtins


def test_every_nemesis_option_and_pattern_is_listed() -> None:
    result = CliRunner().invoke(cli, ["nemeses"])
    assert result.exit_code == 0, result.output
    table = result.output.split("Options")[1].split("Targeted patterns")[0]
    keys_listed = {line.split()[0] for line in table.splitlines() if line[:1].isalpha()}
    assert set(KEYS) <= keys_listed, set(KEYS) - keys_listed
    for name in [*PATTERN_NAMES, *builtins(), "default"]:
        assert f"  {name} " in result.output, name


def test_run_help_points_at_the_listing() -> None:
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert "splitbrain nemeses" in result.output
    assert "--stall-timeout" in result.output and "--min-ok" in result.output
