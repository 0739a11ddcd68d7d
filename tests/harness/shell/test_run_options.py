from __future__ import annotations

from pathlib import Path

import click
import pytest

from harness.shell.commands.run import parse_args
from harness.shell.run_options import DEFAULTS, RunOptionError, RunOptions


def test_no_arguments_give_the_defaults() -> None:
    options = parse_args([])
    assert options == RunOptions()
    test = options.to_test()
    assert (test.target, test.workload, test.nemesis) == ("raftkv", "register", ("default",))
    assert len(test.nodes) == DEFAULTS.nodes and test.time_limit == DEFAULTS.time_limit
    assert test.name == "raftkv-register"


def test_arguments_map_onto_the_test_config() -> None:
    test = parse_args([
        "--target", "my_pkg.kv:target", "--nemesis", "partition, kill", "--nodes", "3",
        "--seed", "7", "--store", "st", "--target-opt", "bug = x", "--nemesis-opt", "interval=2",
        "--workload-opt", "keys=single", "--time-limit", "4.5", "--rate", "0",
    ]).to_test()
    assert test.nemesis == ("partition", "kill") and test.nodes == ("n1", "n2", "n3")
    assert (test.seed, test.store, test.time_limit, test.rate) == (7, Path("st"), 4.5, 0.0)
    assert test.target_option("bug") == "x" and test.nemesis_option("interval") == "2"
    assert test.workload_option("keys") == "single"
    assert test.name == "my_pkg.kv.target-register-partition-kill"


def test_a_fresh_seed_per_config_unless_given() -> None:
    seeds = {RunOptions().to_test().seed for _ in range(5)}
    assert len(seeds) > 1


@pytest.mark.parametrize(("args", "error", "words"), [
    (["--target-opt", "novalue"], RunOptionError, "--target-opt: expected K=V"),
    (["--nemesis", " , "], RunOptionError, "at least one nemesis"),
    (["--nemesis", "none,partition"], RunOptionError, "cannot be combined"),
    (["--name", "bad name!"], RunOptionError, "test name"),
    (["--nodes", "0"], click.BadParameter, "0"),
    (["--colour", "red"], click.NoSuchOption, "colour"),
])
def test_bad_arguments(args: list[str], error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        parse_args(args).to_test()
