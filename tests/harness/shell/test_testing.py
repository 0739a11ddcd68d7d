from __future__ import annotations

from pathlib import Path

import click
import pytest

from checkers.compose import CompositeResult, SimpleResult
from checkers.verdict import ExitCode, Verdict
from harness.shell.run_results import RunResults
from harness.shell.testing import OptionsError, Outcome, arguments, config


def test_keyword_options_become_the_run_commands_arguments() -> None:
    assert arguments({
        "target": "example-kv", "time_limit": 4, "nemesis": ["partition", "kill"],
        "target_opt": {"reads": "local", "port": 7071}, "nemesis_opt": ["interval=2"],
        "workload_opt": "keys=single", "seed": None, "store": Path("st"),
    }) == [
        "--target", "example-kv", "--time-limit", "4", "--nemesis", "partition,kill",
        "--target-opt", "reads=local", "--target-opt", "port=7071",
        "--nemesis-opt", "interval=2", "--workload-opt", "keys=single", "--store", "st",
    ]


def test_arguments_and_keywords_make_the_same_config_as_the_cli() -> None:
    test = config("--nodes", "3", "--seed", "5", target="example-kv", nemesis="partition",
                  target_opt={"reads": "local"})
    assert (test.target, test.nemesis, test.nodes, test.seed) == (
        "example-kv", ("partition",), ("n1", "n2", "n3"), 5)
    assert test.target_option("reads") == "local"
    assert test.name == "example-kv-register-partition"
    assert test.time_limit == 30.0  # the CLI's default


def test_bad_options_are_refused_like_the_cli_does() -> None:
    with pytest.raises(OptionsError, match=r"no option 'colour'; options: .*time_limit"):
        config(colour="red")
    with pytest.raises(click.BadParameter):
        config(nodes=0)


def outcome(verdict: Verdict) -> Outcome:
    return Outcome(
        test=config(seed=9, store=Path("st")), verdict=verdict, exit_code=ExitCode.INVALID,
        run_dir=Path("st/raftkv-register/1"),
        results=RunResults(verdict=verdict, workload=CompositeResult(verdict=verdict, parts={
            "linearizable": SimpleResult(verdict=verdict,
                                         data={"reason": "read 3 after write 4"})})),
    )


def test_expect_names_the_checkers_the_seed_and_the_report() -> None:
    bad = outcome(Verdict.INVALID)
    assert bad.expect("invalid") is bad and bad.invalid and not bad.valid
    with pytest.raises(AssertionError) as e:
        bad.expect(Verdict.VALID)
    message = str(e.value)
    assert message.startswith("expected valid, got raftkv-register: invalid")
    assert "linearizable: invalid, read 3 after write 4" in message
    assert "seed 9" in message and "report: st/raftkv-register/1/report.html" in message
    assert "report.html" in repr(bad)
