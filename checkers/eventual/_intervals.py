"""Vectorised interval queries over numpy columns (the set checker's building blocks).

Intervals are half-open ``[lo, hi)`` over positions ``0 .. n-1``, each carrying an integer label
(for the set checker: the number of a read). The query costs O((intervals + n) log n) in numpy,
whatever the intervals' lengths.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


def _tree_size(n: int) -> int:
    size = 1
    while size < n:
        size *= 2
    return size


def stab(lo: Ints, hi: Ints, label: Ints, n: int, *, smallest: bool, empty: int) -> Ints:
    """For every position ``0 .. n-1``, the smallest (or largest) label of the intervals that
    cover it; ``empty`` where none does.

    A segment tree over the positions: each interval is split into its O(log n) canonical nodes
    (all intervals at once, level by level), each node keeps the best label put on it, and the
    best is pushed down to the leaves.
    """
    if n == 0:
        return np.empty(0, dtype=np.int64)
    size = _tree_size(n)
    reduce = np.minimum if smallest else np.maximum
    tree = np.full(2 * size, empty, dtype=np.int64)
    keep = lo < hi
    left, right, value = lo[keep] + size, hi[keep] + size, label[keep]
    nodes: list[Ints] = []
    values: list[Ints] = []
    while left.size:
        take = (left & 1).astype(bool)
        nodes.append(left[take])
        values.append(value[take])
        left = left + take
        take = (right & 1).astype(bool)
        right = right - take
        nodes.append(right[take])
        values.append(value[take])
        left >>= 1
        right >>= 1
        alive = left < right
        left, right, value = left[alive], right[alive], value[alive]
    if nodes:
        reduce.at(tree, np.concatenate(nodes), np.concatenate(values))
    width = 1
    while width < size:
        parents = np.arange(width, 2 * width)
        best = tree[parents]
        tree[2 * parents] = reduce(tree[2 * parents], best)
        tree[2 * parents + 1] = reduce(tree[2 * parents + 1], best)
        width *= 2
    out: Ints = tree[size:size + n].copy()
    return out


__all__ = ["Ints", "stab"]
