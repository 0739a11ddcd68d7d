"""Eventual consistency of a grow-only set: nothing acknowledged is lost, replicas converge.

The set workload's history has ``add`` ops (value: the element, unique per add), ``read`` ops
during the test, and ``final-read`` ops after heal and a recovery wait, one per node (completion
value: the elements that node holds; ``node`` names it).
"""

from checkers.eventual._set import (
    ElementTiming,
    SetResult,
    check_set,
)

__all__ = ["ElementTiming", "SetResult", "check_set"]
