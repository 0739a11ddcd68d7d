from __future__ import annotations

import dataclasses
import re

from harness.kernel.config import TestConfig, options
from harness.shell.fault_reach import first_due, short_time_limit_warning

FOUR = ("partition", "kill", "pause", "clock")


def _test(time_limit: float, nemesis: tuple[str, ...] = FOUR, seed: int = 5,
          **opts: str) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="register", nemesis=nemesis,
                      time_limit=time_limit, seed=seed, nemesis_options=options(opts))


def test_a_short_time_limit_is_warned_with_a_limit_that_is_enough() -> None:
    for seed in range(5):
        test = _test(5.0, seed=seed)
        warning = short_time_limit_warning(test)
        assert warning is not None
        due = first_due(test)
        late = [n for n in FOUR if due[n] > 4.0]
        assert late and all(f"no {n} fault before" in warning for n in late)
        found = re.search(r"--time-limit (\d+) or more", warning)
        assert found is not None
        enough = float(found.group(1))
        assert enough > 5.0 and all(t < enough - 0.5 for t in due.values())
        assert short_time_limit_warning(dataclasses.replace(test, time_limit=enough)) is None


def test_the_schedule_is_the_same_whatever_the_time_limit() -> None:
    assert first_due(_test(5.0)) == first_due(_test(60.0))
    assert set(first_due(_test(60.0))) == set(FOUR)


def test_no_warning_without_faults_or_with_a_long_limit() -> None:
    assert short_time_limit_warning(_test(5.0, nemesis=("none",))) is None
    assert short_time_limit_warning(_test(60.0)) is None
    assert short_time_limit_warning(_test(60.0, overlap="true")) is None
