"""Never valid on nothing: a history with no operation that completed ok has nothing to judge."""

from __future__ import annotations

import pytest

from checkers.evidence import lack_of_evidence
from checkers.linearizable import check, get_model
from checkers.verdict import Verdict
from tests.checkers.histories import H


def _no_ok() -> H:
    return (H().invoke(0, "write", 1).info(0, "write", 1)
            .invoke(1, "read").fail(1, "read")
            .invoke(2, "write", 2))  # never completes


def test_lack_of_evidence_counts_what_was_invoked() -> None:
    reason = lack_of_evidence(_no_ok().history().operations())
    assert reason == ("no client operation completed ok (3 invoked: 1 failed, "
                      "2 indeterminate): nothing to judge")
    assert lack_of_evidence([]) == "no client operation: nothing to judge"
    one_ok = _no_ok().invoke(3, "read").ok(3, "read", None)
    assert lack_of_evidence(one_ok.history().operations()) is None


@pytest.mark.parametrize("model", ["register", "cas-register", "knossos-cas-register"])
def test_check_without_an_ok_operation_is_unknown_with_the_reason(model: str) -> None:
    result = check(_no_ok().history(), get_model(model))
    assert result.verdict is Verdict.UNKNOWN  # Jepsen/Knossos say valid here
    assert result.reason is not None and "completed ok" in result.reason
    assert result.to_json()["reason"] == result.reason
    fine = check(_no_ok().invoke(3, "read").ok(3, "read", None).history(), get_model(model))
    assert fine.verdict is Verdict.VALID and fine.reason is None


def test_nemesis_only_history_is_unknown_for_the_same_kind_of_reason() -> None:
    history = H().nemesis("start", None).nemesis("stop", None).history()
    result = check(history, get_model("cas-register"))
    assert result.verdict is Verdict.UNKNOWN
    assert result.reason == "no client operation: nothing to judge"


def test_a_proven_anomaly_is_not_hidden() -> None:
    # An invalid verdict needs ok operations, so it always has evidence; reason stays None.
    h = H().invoke(0, "write", 1).ok(0, "write", 1).invoke(1, "read").ok(1, "read", 2)
    result = check(h.history(), get_model("register"))
    assert result.verdict is Verdict.INVALID and result.reason is None
