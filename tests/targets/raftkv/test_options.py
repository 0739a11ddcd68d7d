from __future__ import annotations

import pytest

from targets.raftkv.options import FakeTime, RaftKVOptions, TargetOptionError


def test_options_parse_and_refuse_bad_values() -> None:
    opts = RaftKVOptions.parse({"bug": "stale-reads", "election-timeout-ms": "500",
                                "faketime": "on"})
    assert (opts.bug, opts.election_timeout_ms, opts.faketime) == ("stale-reads", 500,
                                                                    FakeTime.ON)
    for bad in ({"nope": "1"}, {"client-port": "0"}, {"heartbeat-ms": "x"},
                {"faketime": "maybe"}, {"op-timeout": "-1"}, {"bug": "nope"},
                {"client-port": "9000"}):
        with pytest.raises(TargetOptionError, match="raftkv option"):
            RaftKVOptions.parse(bad)
