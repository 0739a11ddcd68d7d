"""Eventual consistency of a grow-only set: nothing acknowledged is lost, replicas converge.

The set workload's history has ``add`` ops (value: the element, unique per add), ``read`` ops
during the test, and ``final-read`` ops after heal and a recovery wait, one per node (completion
value: the elements that node holds, a list or an encoded integer set ``{"ranges": ...}`` of
:mod:`harness.kernel.intranges`; ``node`` names it).
"""

from checkers.eventual._reference import check_set_reference
from checkers.eventual._result import ElementTiming, ExampleOp, SetResult
from checkers.eventual._set import check_set

__all__ = ["ElementTiming", "ExampleOp", "SetResult", "check_set", "check_set_reference"]
