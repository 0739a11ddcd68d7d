"""The explanation sentences of each model, on small hand-made histories (times in ms)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from checkers.linearizable import StuckReason, check, get_model
from harness.kernel.history import Operation
from harness.kernel.jepsen_files import read_edn
from tests.checkers.linearizable.ops import ops


def _ms(operations: list[Operation]) -> list[Operation]:
    """Each op's times become its positions in milliseconds."""
    return [replace(o, call_time=o.call * 1_000_000,
                    ret_time=None if o.ret is None else o.ret * 1_000_000) for o in operations]


def why(model: str, *spec: str) -> tuple[str, list[int]]:
    """The first illegal stuck operation's explanation and the indices of its related ops."""
    result = check(_ms(ops(*spec)), get_model(model), workers=1)
    assert result.verdict.value == "invalid"
    for key in result.invalid_keys:
        assert key.counterexample is not None
        for prefix in key.counterexample.prefixes:
            for stuck in prefix.stuck:
                if stuck.reason is StuckReason.ILLEGAL:
                    assert stuck.explanation is not None
                    return stuck.explanation, [r.index for r in stuck.related]
    raise AssertionError("no illegal operation")


def test_register_stale_read_names_the_last_write_and_the_overwritten_one() -> None:
    text, related = why("cas-register", "0 write 2 2 0 1", "0 write 4 4 2 3", "1 read _ 2 4 5")
    assert text == (
        "read returned 2, but the register held 4 at that point: the last write before it was "
        "write(4) of process 0 (index 2, completed at 0.003 s). The value 2 was written by "
        "write(2) of process 0 (index 0, completed at 0.001 s) and overwritten 2 ms later by "
        "write(4) (index 2).")
    assert related == [1, 0]


def test_register_read_of_a_future_write_says_so() -> None:
    text, related = why("register", "0 write 2 2 0 1", "1 read _ 5 2 3", "0 write 5 5 4 5")
    assert text.startswith("read returned 5, but the register held 2 at that point")
    assert text.endswith("The value 5 was written by write(5) of process 0 (index 4, completed "
                         "at 0.005 s), invoked 1 ms after this read completed.")
    assert related == [0, 2]


def test_register_read_of_an_unwritten_value_and_of_nil() -> None:
    text, _ = why("register", "0 write 2 2 0 1", "1 read _ 7 2 3")
    assert text.endswith("No operation wrote 7.")
    text, _ = why("register", "0 write 2 2 0 1", "1 read _ _ 2 3")
    assert text.startswith("read returned nil, but the register held 2")
    assert text.endswith("The initial value is nil.")
    assert "None" not in text


def test_register_strings_are_quoted() -> None:
    text, _ = why("register", '0 write "a" "a" 0 1', '1 read _ "b" 2 3')
    assert text.startswith('read returned "b", but the register held "a"')


def test_cas_names_the_expected_value_that_failed() -> None:
    text, related = why("cas-register", "0 write 2 2 0 1", "1 cas [3,5] 3 2 3")
    assert text.startswith("cas expected 3 (to set 5), but the register held 2: the last write "
                           "before it was write(2) of process 0 (index 0, completed at 0.001 s)")
    assert text.endswith("No operation wrote 3.")
    assert related == [0]


def test_queue_wrong_head_and_empty_dequeue() -> None:
    text, related = why("fifo-queue", "0 enqueue 1 1 0 1", "0 enqueue 2 2 2 3",
                        "1 dequeue _ 2 4 5")
    assert text.startswith("dequeue returned 2, but the head of the queue was 1, enqueued by "
                           "enqueue(1) of process 0 (index 0, completed at 0.001 s).")
    assert sorted(related) == [0, 1]
    text, _ = why("fifo-queue", "0 enqueue 1 1 0 1", "1 dequeue _ _ 4 5")
    assert text.startswith("dequeue found the queue empty, but it held [1] at that point.")
    text, _ = why("fifo-queue", "1 dequeue _ 3 4 5")
    assert "No operation enqueued 3." in text


def test_set_read_names_missing_and_extra_elements() -> None:
    text, related = why("set", "0 add 1 1 0 1", "0 add 2 2 2 3", "1 read _ [1,5] 4 5")
    assert text == ("read returned #{1, 5}: it is missing 2 (added by add(2) of process 0 "
                    "(index 2, completed at 0.003 s)); it has 5 extra (no operation added 5). "
                    "The set held #{1, 2} at that point.")
    assert related == [1]


def test_kv_get_names_the_last_put_or_append() -> None:
    text, _ = why("kv", '0 put "a" "a" 0 1', '0 append "b" "b" 2 3', '1 get _ "a" 4 5')
    assert text == ('get returned "a", but the key held "ab" at that point: the last put or '
                    'append before it was append("b") of process 0 (index 2, completed at '
                    "0.003 s).")


def test_mutex_double_acquire_names_the_holder() -> None:
    text, related = why("mutex", "0 acquire _ _ 0 1", "1 acquire _ _ 2 3")
    assert text == ("acquire succeeded, but the lock was held at that point: it was acquired by "
                    "acquire() of process 0 (index 0, completed at 0.001 s) and not released "
                    "since.")
    assert related == [0]


def test_multi_register_names_the_key_read_differently() -> None:
    text, _ = why("multi-register", '0 txn [["write","x",1]] [["write","x",1]] 0 1',
                  '1 txn [["read","x",null]] [["read","x",2]] 2 3')
    assert text == ("txn read x = 2, but x held 1 at that point: the last write of x before it "
                    "was txn[w x 1] of process 0 (index 0, completed at 0.001 s).")


def test_indeterminate_writer_is_called_indeterminate() -> None:
    text, _ = why("register", "0 write 2 2 0 1", "2 write 3 _ 2 _", "1 read _ 2 4 5",
                  "1 read _ 3 6 7", "1 read _ 2 8 9")
    assert "indeterminate" in text


def test_operations_are_named_by_their_history_index(tmp_path: Path) -> None:
    """A Jepsen history numbers its events itself (here from 10, with gaps): the sentence uses
    those numbers, as the report's "history index" column does."""
    text = "\n".join([
        "{:index 10, :time 0, :type :invoke, :process 0, :f :write, :value 2}",
        "{:index 12, :time 1000000, :type :ok, :process 0, :f :write, :value 2}",
        "{:index 14, :time 2000000, :type :invoke, :process 1, :f :read, :value nil}",
        "{:index 16, :time 3000000, :type :ok, :process 1, :f :read, :value :x}",
    ])
    (tmp_path / "h.edn").write_text(text + "\n", encoding="utf-8")
    history = read_edn(tmp_path / "h.edn")
    result = check(history, get_model("register"), workers=1)
    key = result.invalid_keys[0]
    assert key.counterexample is not None
    stuck = key.counterexample.prefixes[0].stuck[0]
    assert stuck.explanation == (
        "read returned :x, but the register held 2 at that point: the last write before it was "
        "write(2) of process 0 (index 10, completed at 0.001 s). No operation wrote :x.")
