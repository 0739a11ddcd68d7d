"""The report's columnar (numpy) computations choose, count and draw exactly what the plain
Python ones they replaced did (issue #15): the replaced code is kept here as the reference."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.availability import Availability, AvailabilityReport, availability
from checkers.fault_windows import FaultWindow
from harness.kernel.history import Operation
from harness.kernel.ops import OpType
from reports._sample import NEIGHBOURS, OK_SHARE, Selection, Tier, _thin, select
from reports._timeline import _NextStart


def select_reference(operations: Sequence[Operation], *, focus: Iterable[int],
                     boundaries: Iterable[int], budget: int) -> Selection:
    n = len(operations)
    if n <= budget:
        return Selection(shown=tuple(range(n)), total=n,
                         tiers=(Tier(name="operations", total=n, shown=n),))
    order = sorted(range(n), key=lambda i: operations[i].call_time)
    calls = [operations[i].call_time for i in order]
    by_position: dict[int, int] = {}
    for i, o in enumerate(operations):
        by_position[o.call] = i
        if o.ret is not None:
            by_position[o.ret] = i
    named = sorted({by_position[p] for p in focus if p in by_position},
                   key=lambda i: operations[i].call_time)
    points = [operations[i].call_time for i in named] + list(boundaries)
    radius = max(1, min(NEIGHBOURS, budget // (4 * max(1, len(points)))))
    near: set[int] = set()
    for t in points:
        at = bisect.bisect_left(calls, t)
        near.update(order[max(0, at - radius): at + radius])
    named_set = set(named)
    near_list = [i for i in order if i in near and i not in named_set]
    taken = named_set | set(near_list)
    odd = [i for i in order if i not in taken and operations[i].type is not OpType.OK]
    rest = [i for i in order if i not in taken and operations[i].type is OpType.OK]
    chosen: list[int] = []
    tiers: list[Tier] = []
    for name, candidates in (("operations named by checkers", named),
                             ("operations near failures and fault boundaries", near_list),
                             ("failed or indeterminate operations", odd),
                             ("other operations", rest)):
        room = budget - len(chosen)
        if candidates is odd:
            room -= min(len(rest), int(room * OK_SHARE))
        picked = _thin(candidates, room)
        chosen.extend(picked)
        tiers.append(Tier(name=name, total=len(candidates), shown=len(picked)))
    return Selection(shown=tuple(sorted(chosen)), total=n, tiers=tuple(tiers))


_TYPES = (OpType.OK, OpType.FAIL)


def availability_reference(operations: Sequence[Operation], windows: Sequence[FaultWindow], *,
                           start: int | None, end: int | None) -> AvailabilityReport:
    ordered = sorted(operations, key=lambda o: o.call_time)
    calls = [o.call_time for o in ordered]
    kinds = [_TYPES.index(o.type) if o.type in _TYPES else 2 for o in ordered]
    prefix = [[0], [0], [0]]
    for k in kinds:
        for j in range(3):
            prefix[j].append(prefix[j][-1] + (1 if j == k else 0))
    lo = start if start is not None else (calls[0] if calls else 0)
    hi = end if end is not None else max(
        [o.ret_time or o.call_time for o in ordered] + [w.end for w in windows], default=lo)

    def counts(i0: int, i1: int) -> tuple[int, int, int]:
        return (prefix[0][i1] - prefix[0][i0], prefix[1][i1] - prefix[1][i0],
                prefix[2][i1] - prefix[2][i0])

    per_window = []
    cover = [0] * (len(ordered) + 1)
    for w in windows:
        i0 = bisect.bisect_left(calls, w.start)
        i1 = (bisect.bisect_right if w.open_ended else bisect.bisect_left)(calls, w.end)
        cover[i0] += 1
        cover[i1] -= 1
        ok, fail, info = counts(i0, i1)
        per_window.append(Availability(label=w.label(), start=w.start, end=w.end,
                                       duration_ns=max(0, w.end - w.start), ok=ok, fail=fail,
                                       info=info))
    outside_counts = [0, 0, 0]
    depth = 0
    for i, k in enumerate(kinds):
        depth += cover[i]
        if depth == 0:
            outside_counts[k] += 1
    span = max(0, hi - lo)
    covered = 0
    cursor = lo
    for w in sorted(windows, key=lambda w: w.start):
        s, e = max(w.start, cursor), min(w.end, hi)
        if e > s:
            covered += e - s
            cursor = e
    outside = Availability(label="outside faults", start=None, end=None,
                           duration_ns=max(0, span - covered), ok=outside_counts[0],
                           fail=outside_counts[1], info=outside_counts[2])
    ok, fail, info = counts(0, len(ordered))
    overall = Availability(label="whole run", start=lo, end=hi, duration_ns=span, ok=ok,
                           fail=fail, info=info)
    return AvailabilityReport(windows=tuple(per_window), outside=outside, overall=overall)


@st.composite
def operations(draw: st.DrawFn) -> list[Operation]:
    """Operations in invocation order, with equal times, indeterminate ones and any outcome."""
    out: list[Operation] = []
    position = 0
    t = 0
    for _ in range(draw(st.integers(0, 60))):
        t += draw(st.integers(0, 3))
        kind = draw(st.sampled_from([OpType.OK, OpType.OK, OpType.FAIL, OpType.INFO]))
        done = kind is not OpType.INFO or draw(st.booleans())
        out.append(Operation(process=draw(st.integers(0, 6)), f="read", value=None, output=None,
                             type=kind, call=position, ret=position + 1 if done else None,
                             call_time=t, ret_time=t + draw(st.integers(0, 9)) if done else None))
        position += 2
    return out


windows = st.lists(st.builds(
    lambda s, d, closed: FaultWindow(kind="partition", start=s, end=s + d, start_f="partition",
                                     stop_f="heal" if closed else None, start_index=0,
                                     end_index=None, value=None),
    st.integers(0, 150), st.integers(0, 40), st.booleans()), max_size=4)


@settings(max_examples=150, deadline=None)
@given(ops=operations(), focus=st.lists(st.integers(-1, 130), max_size=6),
       boundaries=st.lists(st.integers(0, 150), max_size=4), budget=st.integers(1, 40))
def test_select_chooses_what_the_reference_chose(ops: list[Operation], focus: list[int],
                                                 boundaries: list[int], budget: int) -> None:
    assert select(ops, focus=focus, boundaries=boundaries, budget=budget) == select_reference(
        ops, focus=focus, boundaries=boundaries, budget=budget)


@settings(max_examples=150, deadline=None)
@given(ops=operations(), ws=windows, start=st.one_of(st.none(), st.integers(0, 20)),
       end=st.one_of(st.none(), st.integers(100, 200)))
def test_availability_counts_what_the_reference_counted(
        ops: list[Operation], ws: list[FaultWindow], start: int | None, end: int | None) -> None:
    assert availability(ops, ws, start=start, end=end) == availability_reference(
        ops, ws, start=start, end=end)


@settings(max_examples=100, deadline=None)
@given(ops=operations(), threads=st.integers(1, 4), queries=st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 200)), max_size=8))
def test_next_start_is_the_rows_next_invocation(
        ops: list[Operation], threads: int, queries: list[tuple[int, int]]) -> None:
    row_of = {p: p % threads for p in range(7)}
    next_start = _NextStart(ops, row_of)
    for row, after in queries:
        starts = sorted(o.call_time for o in ops if row_of[o.process] == row)
        at = bisect.bisect_right(starts, after)
        assert next_start(row, after, -7) == (starts[at] if at < len(starts) else -7)
