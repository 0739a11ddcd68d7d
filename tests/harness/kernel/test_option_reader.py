"""The one reader of ``K=V`` options: typed values, errors naming owner and option."""

from __future__ import annotations

from enum import StrEnum

import pytest

from harness.kernel.config import TestConfig, options
from harness.kernel.errors import BadInputError
from harness.kernel.option_reader import OptionError, OptionReader
from targets.etcd.options import EtcdOptions
from targets.option_reader import TargetOptionError
from targets.raftkv.options import FakeTime, RaftKVOptions
from workloads.base import WorkloadOptionError
from workloads.counter import CounterOptions
from workloads.register import RegisterOptions


class Mode(StrEnum):
    A = "a"
    B = "b"


def test_unknown_keys_are_named_with_the_known_ones() -> None:
    with pytest.raises(OptionError, match=r"unknown demo option\(s\) x, y; known: a, b"):
        OptionReader("demo", {"y": "1", "x": "2"}, {"b", "a"})


def test_typed_values_and_defaults() -> None:
    r = OptionReader("demo", {"n": "7", "f": "0.5", "s": "2.5", "m": "b", "big": "1e3"},
                     {"n", "f", "s", "m", "big", "absent"})
    assert r.integer("n", 1, 0, 10) == 7
    assert r.integer("big", 1, 0, 10_000) == 1000
    assert r.integer("absent", 3, 0, 10) == 3
    assert r.maybe_integer("absent", 0, 10) is None
    assert r.number("f", 0.1, 0.0, 1.0) == 0.5
    assert r.seconds("s", 1.0) == 2.5
    assert r.seconds("absent", 1.0) == 1.0
    assert r.choice("m", Mode, Mode.A) is Mode.B
    assert r.choice("absent", Mode, Mode.A) is Mode.A


@pytest.mark.parametrize(("method", "raw", "message"), [
    ("integer", "2.5", "demo option k: expected an integer, got '2.5'"),
    ("integer", "x", "demo option k: expected an integer, got 'x'"),
    ("integer", "11", r"demo option k: 11 is not in \[0, 10\]"),
    ("number", "nan", r"demo option k: nan is not in \[0, 1\]"),
    ("number", "x", "demo option k: expected a number, got 'x'"),
    ("seconds", "0", r"demo option k: 0 is not in \(0, 3600\]"),
    ("seconds", "soon", "demo option k: expected seconds, got 'soon'"),
    ("choice", "c", "demo option k: expected one of a, b, got 'c'"),
])
def test_bad_values_name_owner_and_option(method: str, raw: str, message: str) -> None:
    r = OptionReader("demo", {"k": raw}, {"k"})
    with pytest.raises(OptionError, match=message):
        if method == "integer":
            r.integer("k", 0, 0, 10)
        elif method == "number":
            r.number("k", 0.0, 0.0, 1.0)
        elif method == "seconds":
            r.seconds("k", 1.0)
        else:
            r.choice("k", Mode, Mode.A)


def test_every_option_error_is_bad_input_of_its_own_kind() -> None:
    assert issubclass(OptionError, BadInputError)
    with pytest.raises(TargetOptionError, match="etcd option client-port"):
        EtcdOptions.parse({"client-port": "0"})
    with pytest.raises(TargetOptionError, match="raftkv option faketime"):
        RaftKVOptions.parse({"faketime": "maybe"})
    with pytest.raises(WorkloadOptionError, match="counter option read-fraction"):
        CounterOptions.parse({"read-fraction": "2"})
    with pytest.raises(WorkloadOptionError, match="register option values"):
        RegisterOptions.parse({"values": "0"})
    with pytest.raises(WorkloadOptionError, match="register option check-time-limit"):
        RegisterOptions.parse({"check-time-limit": "-1"})


def test_raftkv_and_register_keep_their_values() -> None:
    o = RaftKVOptions.parse({"client-port": "8100", "heartbeat-ms": "20", "faketime": "on"})
    assert (o.client_port, o.peer_port, o.heartbeat_ms, o.election_timeout_ms, o.faketime) == (
        8100, 9000, 20, None, FakeTime.ON)
    reg = RegisterOptions.parse({"keys": "single", "values": "7", "check-time-limit": "1.5"})
    assert (reg.multi_key, reg.values, reg.active_keys, reg.check_time_limit_s) == (
        False, 7, 10, 1.5)


def test_flags_and_parsed_values() -> None:
    r = OptionReader("demo", {"on": "Yes", "off": "0", "bad": "maybe", "list": "a,b", "x": ""},
                     {"on", "off", "bad", "list", "x", "absent"})
    assert r.flag("on", False) is True and r.flag("off", True) is False
    assert r.flag("absent", True) is True
    with pytest.raises(OptionError, match="demo option bad: expected true or false, got 'maybe'"):
        r.flag("bad", False)

    def names(text: str) -> tuple[str, ...]:
        if not text:
            raise ValueError("expected some names")
        return tuple(text.split(","))

    assert r.parsed("list", names, ()) == ("a", "b")
    assert r.parsed("absent", names, ("z",)) == ("z",)
    with pytest.raises(OptionError, match="demo option x: expected some names, got ''"):
        r.parsed("x", names, ())


def test_nemesis_options_use_the_shared_reader() -> None:
    from nemesis.options import parse_options
    from nemesis.registry import NemesisOptionError

    test = TestConfig(name="t", target="raftkv", workload="register",
                      nemesis_options=options({"interval": "2", "kill.interval": "x"}))
    assert parse_options(test, "pause").interval_s == 2.0
    with pytest.raises(NemesisOptionError,
                       match=r"nemesis option kill\.interval: expected a number"):
        parse_options(test, "kill")
    assert issubclass(NemesisOptionError, OptionError)
