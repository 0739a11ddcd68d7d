from __future__ import annotations

from collections.abc import Sequence

from checkers.eventual import check_set
from checkers.verdict import Verdict
from tests.checkers.histories import H


def finals(h: H, contents: dict[str, list[int]], start: int = 100) -> H:
    for i, (node, elements) in enumerate(contents.items()):
        p = start + i
        h.invoke(p, "final-read", node=node).ok(p, "final-read", elements, node=node)
    return h


def adds(h: H, ok: Sequence[int] = (), info: Sequence[int] = (), fail: Sequence[int] = ()) -> H:
    for e in ok:
        h.invoke(0, "add", e).ok(0, "add", e)
    for i, e in enumerate(info):
        h.invoke(10 + i, "add", e).info(10 + i, "add", e)
    for e in fail:
        h.invoke(1, "add", e).fail(1, "add", e)
    return h


def test_valid_when_everything_acknowledged_is_everywhere() -> None:
    h = adds(H(), ok=[1, 2, 3])
    r = check_set(finals(h, {"n1": [1, 2, 3], "n2": [3, 2, 1]}).history())
    assert r.verdict is Verdict.VALID
    assert r.lost == () and r.converged and r.acknowledged == 3


def test_lost_element_is_found_with_its_add_op() -> None:
    h = adds(H(), ok=[1, 2, 3])
    r = check_set(finals(h, {"n1": [1, 3], "n2": [1, 3]}).history())
    assert r.verdict is Verdict.INVALID
    assert r.lost == (2,)
    assert r.evidence["lost"][0].value == 2
    assert r.to_json()["lost_count"] == 1


def test_unexpected_element_never_attempted() -> None:
    h = adds(H(), ok=[1], fail=[5])
    r = check_set(finals(h, {"n1": [1, 9]}).history())
    assert r.verdict is Verdict.INVALID
    assert r.unexpected == (9,)
    assert r.evidence["unexpected"][0].f == "final-read"


def test_recovered_indeterminate_is_reported_but_valid() -> None:
    h = adds(H(), ok=[1], info=[7, 8])
    r = check_set(finals(h, {"n1": [1, 7], "n2": [1, 7]}).history())
    assert r.verdict is Verdict.VALID
    assert r.recovered == (7,)


def test_divergent_replicas_are_not_converged() -> None:
    h = adds(H(), ok=[1, 2])
    r = check_set(finals(h, {"n1": [1, 2], "n2": [1]}).history())
    assert r.verdict is Verdict.INVALID
    assert not r.converged and r.lost == ()
    assert r.missing_by_node == {"n2": (2,)}


def test_stale_reads_and_visibility() -> None:
    h = H()
    h.invoke(0, "add", 1, time=0).ok(0, "add", 1, time=10)
    # a read that starts after the ack and misses the element is stale
    h.invoke(1, "read", time=20).ok(1, "read", [], node="n2", time=30)
    h.invoke(1, "read", time=40).ok(1, "read", [1], node="n2", time=50)
    r = check_set(finals(h, {"n1": [1], "n2": [1]}).history())
    assert r.verdict is Verdict.VALID
    assert len(r.stale) == 1
    t = r.stale[0]
    assert (t.element, t.stale_reads, t.stale_until, t.visible_after) == (1, 1, 30, 40)
    assert r.visibility_ns["max"] == 40.0


def test_no_final_read_is_unknown() -> None:
    h = adds(H(), ok=[1])
    r = check_set(h.history())
    assert r.verdict is Verdict.UNKNOWN
    assert r.problems
