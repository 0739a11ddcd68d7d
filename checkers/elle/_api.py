"""The public entry points: a history in, a :class:`TxnCheckResult` out."""

from __future__ import annotations

from checkers.elle import _list_append, _rw_register
from checkers.elle._check import check_txns
from checkers.elle._result import TxnCheckResult
from checkers.elle._txn import read_txns
from harness.kernel.history import History

TXN_MODELS = ("list-append", "rw-register")
"""Names ``splitbrain check --model`` accepts for transactional histories."""


def check_list_append(history: History, *, model: str = "strict-serializable",
                      time_limit: float | None = None) -> TxnCheckResult:
    """Check a list-append history (``[append k v]``, ``[r k list]``) against ``model``.

    Raises :class:`harness.kernel.errors.HistoryFormatError` (file, line, field) for transactions
    that cannot be interpreted.
    """
    txns = read_txns(history, writes=frozenset({"append"}), read_kind="list")
    return check_txns(txns, lambda ts: _list_append.infer(ts, history.source),
                      workload="list-append", model=model, time_limit=time_limit)


def check_rw_register(history: History, *, model: str = "strict-serializable",
                      time_limit: float | None = None) -> TxnCheckResult:
    """Check an rw-register history (``[w k v]``, ``[r k v]``) against ``model``."""
    txns = read_txns(history, writes=frozenset({"w"}), read_kind="register")
    return check_txns(txns, lambda ts: _rw_register.infer(ts, history.source),
                      workload="rw-register", model=model, time_limit=time_limit,
                      cannot_infer=_rw_register.CANNOT_INFER)


def check_history(history: History, workload: str, *, model: str = "strict-serializable",
                  time_limit: float | None = None) -> TxnCheckResult:
    """Dispatch on ``workload`` (one of :data:`TXN_MODELS`)."""
    if workload == "list-append":
        return check_list_append(history, model=model, time_limit=time_limit)
    if workload == "rw-register":
        return check_rw_register(history, model=model, time_limit=time_limit)
    raise ValueError(f"unknown transactional workload {workload!r}")


__all__ = ["TXN_MODELS", "check_history", "check_list_append", "check_rw_register"]
