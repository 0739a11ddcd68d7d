"""Elle-style transactional checkers: list-append and rw-register.

After Kingsbury and Alvaro, "Elle: Inferring Isolation Anomalies from Experimental
Observations", VLDB 2020. Histories are ``f: txn`` operations whose value is a list of micro-ops
(``[append k v]``, ``[r k v]``, ``[w k v]``); the result names the anomalies found (Elle's
spelling), the models they rule out and the strongest models still possible.

>>> from checkers.elle import check_list_append
>>> result = check_list_append(history, time_limit=30.0)  # doctest: +SKIP
>>> result.verdict, result.anomalies, result.boundary.not_  # doctest: +SKIP
"""

from __future__ import annotations

from checkers.elle._api import TXN_MODELS, check_history, check_list_append, check_rw_register
from checkers.elle._findings import CycleEdge, Finding
from checkers.elle._result import TxnCheckResult, TxnRef
from checkers.elle._txn import MicroOp, Status, Txn, read_txns

__all__ = [
    "TXN_MODELS", "CycleEdge", "Finding", "MicroOp", "Status", "Txn", "TxnCheckResult",
    "TxnRef", "check_history", "check_list_append", "check_rw_register", "read_txns",
]
