from __future__ import annotations

from pathlib import Path

import pytest

from harness.shell.gate import Expectation, SuiteError, load_suite, parse_suite

GOOD = """
name = "demo"

[defaults]
target = "raftkv"
nodes = 3
time-limit = 5
nemesis-options = { interval = 2, recovery = 1.5 }

[thresholds]
availability-drop = 0.2
anomaly-increase = 1

[[case]]
name = "correct"
nemesis = "partition, kill"
seeds = [1, 2]
unknown-budget = 1

[[case]]
name = "stale"
nemesis = ["partition"]
target-options = { bug = "stale-reads", faketime = false }
expect = "invalid"
repeat = 3
miss-budget = 1
nodes = 5
"""


def test_a_suite_parses_with_defaults_applied() -> None:
    suite = parse_suite(Path("s.toml"), GOOD)
    assert suite.name == "demo"
    correct, stale = suite.cases
    assert correct.nemesis == ("partition", "kill")
    assert correct.nodes == 3 and correct.time_limit == 5.0
    assert dict(correct.nemesis_options) == {"interval": "2", "recovery": "1.5"}
    assert correct.seeds == (1, 2) and correct.unknown_budget == 1
    assert correct.expect is Expectation.VALID
    assert stale.expect is Expectation.INVALID and stale.nodes == 5
    assert dict(stale.target_options) == {"bug": "stale-reads", "faketime": "false"}
    assert suite.thresholds.availability_drop == 0.2 and suite.thresholds.anomaly_increase == 1


def test_repeat_derives_seeds_from_the_gate_seed() -> None:
    stale = parse_suite(Path("s.toml"), GOOD).case("stale")
    seeds = stale.run_seeds(42)
    assert len(seeds) == 3 and len(set(seeds)) == 3
    assert stale.run_seeds(42) == seeds
    assert stale.run_seeds(43) != seeds


def test_a_case_becomes_a_test_config() -> None:
    case = parse_suite(Path("s.toml"), GOOD).case("stale")
    test = case.config(suite="demo", seed=9, store=Path("/tmp/st"))
    assert test.name == "demo.stale"
    assert test.nodes == ("n1", "n2", "n3", "n4", "n5")
    assert test.target_option("bug") == "stale-reads"
    assert test.seed == 9 and test.store == Path("/tmp/st")


def test_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[case]]\nname = "a"\n', encoding="utf-8")
    suite = load_suite(path)
    assert suite.name == "mine" and [c.name for c in suite.cases] == ["a"]


@pytest.mark.parametrize(("text", "expected"), [
    ('[[case]]\nname = "a"\nexpect = "maybe"\n', "case 'a' (#1): expect must be valid or invalid"),
    ('[[case]]\nname = "a"\nseed = 3\n', "case 'a' (#1): unknown key(s) seed"),
    ('[[case]]\nname = "a"\n[[case]]\nnodes = 3\n', "case #2: has no name"),
    ('[[case]]\nname = "a"\nseeds = [1]\nunknown-budget = 2\n',
     "unknown-budget 2 is more than its 1 run(s)"),
    ('[[case]]\nname = "a"\nrepeat = 2\nmiss-budget = 1\n',
     "miss-budget only applies to expect = \"invalid\""),
    ('[[case]]\nname = "a"\nexpect = "invalid"\nmiss-budget = 1\n',
     "miss-budget 1 must be below its 1 run(s)"),
    ('[[case]]\nname = "a"\nseeds = [1]\nrepeat = 2\n', "give seeds or repeat, not both"),
    ('[defaults]\nseeds = [1]\nrepeat = 2\n[[case]]\nname = "a"\n',
     "[defaults]: give seeds or repeat, not both"),
    ('[[case]]\nname = "a"\n[[case]]\nname = "a"\n', "case 'a': two cases have this name"),
    ('[[case]]\nname = "a b"\n', "case 'a b' (#1): test name"),
    ('[[case]]\nname = "a"\nnodes = 0\n', "nodes must be in 1..9, got 0"),
    ('[[case]]\nname = "a"\ntime-limit = "10"\n', "time-limit must be a number"),
    ('[[case]]\nname = "a"\ntarget-options = { bug = [1] }\n',
     "target-options.bug must be a string"),
    ('[[case]]\nname = "a"\nnemesis = ""\n', "nemesis names no fault"),
    ('[defaults]\nspeed = 1\n[[case]]\nname = "a"\n', "[defaults]: unknown key(s) speed"),
    ('[thresholds]\nspeed = 1\n[[case]]\nname = "a"\n', "[thresholds]: unknown key(s) speed"),
    ('x = 1\n[[case]]\nname = "a"\n', "top level: unknown key(s) x"),
    ("name = 'demo'\n", "no cases"),
    ("[[case]\n", "not valid TOML"),
])
def test_mistakes_name_the_file_and_the_case(text: str, expected: str) -> None:
    with pytest.raises(SuiteError) as info:
        parse_suite(Path("suites/x.toml"), text)
    message = str(info.value)
    assert message.startswith("suites/x.toml: ")
    assert expected in message


def test_an_unreadable_suite_is_a_suite_error(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="cannot read the suite"):
        load_suite(tmp_path / "missing.toml")


def test_unknown_case_names_are_listed() -> None:
    suite = parse_suite(Path("s.toml"), GOOD)
    with pytest.raises(SuiteError, match="no case named 'nope'; cases: correct, stale"):
        suite.case("nope")


def test_a_case_may_replace_the_default_seeds_by_a_repeat_count() -> None:
    text = '[defaults]\nseeds = [4, 5]\n[[case]]\nname = "a"\n[[case]]\nname = "b"\nrepeat = 3\n'
    a, b = parse_suite(Path("s.toml"), text).cases
    assert a.run_seeds(0) == (4, 5)
    assert len(b.run_seeds(0)) == 3 and b.seeds == ()


def test_a_case_may_run_on_another_runtime_and_replay_keeps_it() -> None:
    import json

    from harness.kernel.config import RuntimeKind
    from harness.shell.gate import config_from_json

    suite = parse_suite(Path("s.toml"), """
[[case]]
name = "on-docker"
runtime = "docker"
runtime-options = { image = "splitbrain-node:x" }
""")
    test = suite.cases[0].config(suite="s", seed=3, store=Path("st"))
    assert test.runtime is RuntimeKind.DOCKER
    assert test.runtime_option("image") == "splitbrain-node:x"
    back = config_from_json(json.loads(json.dumps({"test": test.to_json()})))
    assert back == test
    with pytest.raises(SuiteError, match="runtime must be one of netns, docker"):
        parse_suite(Path("s.toml"), '[[case]]\nname = "x"\nruntime = "vm"\n')
