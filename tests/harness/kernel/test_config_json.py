from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel.config import ConfigError, RuntimeKind, TestConfig, options
from harness.kernel.errors import BadInputError


def test_from_json_reads_back_what_to_json_wrote() -> None:
    config = TestConfig(
        name="t", target="redis", workload="set", nemesis=("partition", "kill"),
        nodes=("n1", "n2", "n3"), concurrency=4, time_limit=12.5, rate=0, seed=99,
        store=Path("/tmp/store"), runtime=RuntimeKind.DOCKER,
        runtime_options=options({"image": "x"}), workload_options=options({"final-wait": "20"}),
        nemesis_options=options({"interval": "3"}), op_timeout=2.0, stall_timeout=9.0,
        grace=3.0, min_ok=1, extra=options({"k": "v"}),
    )
    assert TestConfig.from_json(config.to_json()) == config


def test_fields_added_later_take_their_defaults() -> None:
    data = TestConfig(name="t", target="raftkv", workload="register").to_json()
    for key in ("stall_timeout", "grace", "min_ok", "runtime_options"):
        del data[key]
    assert TestConfig.from_json(data) == TestConfig(name="t", target="raftkv", workload="register")


def test_errors_name_the_field_and_are_bad_input() -> None:
    data = TestConfig(name="t", target="raftkv", workload="register").to_json()
    data["concurrency"] = "ten"
    with pytest.raises(ConfigError, match="field 'concurrency'") as caught:
        TestConfig.from_json(data)
    assert isinstance(caught.value, BadInputError)
    del data["name"]
    with pytest.raises(ConfigError, match="field 'name': missing"):
        TestConfig.from_json(data)
