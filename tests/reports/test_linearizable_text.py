"""The plain-text explanation of a linearizability result."""

from __future__ import annotations

from checkers.linearizable import check, get_model
from reports.linearizable_text import explain
from tests.checkers.linearizable.ops import ops


def test_valid_history_is_one_short_summary() -> None:
    text = explain(check(ops("0 write 1 1 0 1", "1 read _ 1 2 3"), get_model("register")))
    assert text.startswith("linearizable (valid) under model register: 2 operations")
    assert "valid: 1, invalid: 0, unknown: 0" in text
    assert "partial linearization" not in text


def test_invalid_history_shows_the_prefix_state_and_stuck_operation() -> None:
    h = ops(
        '0 write 0 0 0 1 "k"', '1 read _ 3 2 4 "k"', '2 write 4 4 3 5 "k"', '9 write 1 1 0 1 "ok"'
    )
    text = explain(check(h, get_model("knossos-cas-register")))
    assert text.startswith("NOT linearizable (invalid) under model knossos-cas-register")
    assert "key k: INVALID" in text
    assert "key ok" not in text
    assert "process 2 write(4) [3..5]" in text
    assert "state then: 4" in text
    why = ("read returned 3, but the register held 4 at that point: the last write before it "
           "was write(4) of process 2 (index 3, completed at 0.000 s). No operation wrote 3.")
    assert f"    why: {why}" in text  # the key's headline
    assert "process 1 read() -> 3 [2..4]:\n          (why: see above)" in text


def test_absent_values_print_as_nil() -> None:
    text = explain(check(ops("0 write 1 1 0 1", "1 read _ _ 2 3"), get_model("register")))
    assert "read() -> nil" in text
    assert "read returned nil, but the register held 1" in text
    assert "None" not in text


def test_unknown_keys_show_the_reason() -> None:
    h = ops('0 write 1 1 0 1 "a"')
    text = explain(check(h, get_model("register"), time_limit=0.0))
    assert "undecided (unknown)" in text
    assert "reason: not-started" in text
