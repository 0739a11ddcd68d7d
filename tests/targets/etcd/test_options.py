from __future__ import annotations

import pytest

from harness.kernel.config import TestConfig, options
from targets.etcd.options import EtcdOptions, Reads
from targets.option_reader import TargetOptionError
from targets.registry import TargetError, get_target


def test_defaults_and_reads() -> None:
    assert EtcdOptions.parse({}).reads is Reads.LINEARIZABLE
    assert EtcdOptions.parse({"reads": "serializable"}).reads is Reads.SERIALIZABLE


@pytest.mark.parametrize(("opts", "named"), [
    ({"reads": "sometimes"}, "reads"),
    ({"data": "tape"}, "data"),
    ({"client-port": "2380"}, "peer-port"),
    ({"heartbeat-ms": "100", "election-timeout-ms": "200"}, "election-timeout-ms"),
    ({"colour": "red"}, "colour"),
    ({"op-timeout": "0"}, "op-timeout"),
])
def test_bad_options_are_named(opts: dict[str, str], named: str) -> None:
    with pytest.raises(TargetOptionError, match=named):
        EtcdOptions.parse(opts)


def _test(**kw: object) -> TestConfig:
    return TestConfig(name="t", target="etcd", workload="register", **kw)  # type: ignore[arg-type]


def test_target_offers_register_set_counter_and_refuses_clock_faults() -> None:
    target = get_target(_test())
    for workload in ("register", "set", "counter"):
        assert target.client(workload) is not None
    with pytest.raises(TargetError, match="libfaketime"):
        get_target(_test(nemesis=("partition", "clock")))
    with pytest.raises(TargetError, match="reads"):
        get_target(_test(target_options=options({"reads": "x"})))
