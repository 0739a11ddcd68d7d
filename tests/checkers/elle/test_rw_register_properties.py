"""Property test: what the rw-register checker rules out, brute force confirms (soundness; the
inference is incomplete by design, so the converse is not required)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.elle import check_rw_register, read_txns
from tests.checkers.elle.brute import register_serializable
from tests.checkers.elle.txn_histories import Builder

_mop = st.tuples(st.sampled_from(["r", "w"]), st.sampled_from(["x", "y"]))


@settings(max_examples=300, deadline=None)
@given(txns=st.lists(st.lists(_mop, min_size=1, max_size=3), min_size=1, max_size=5),
       reads=st.lists(st.integers(0, 6), min_size=15, max_size=15),
       overlap=st.booleans())
def test_rw_register_is_sound(txns: list[list[tuple[str, str]]], reads: list[int],
                              overlap: bool) -> None:
    value = 0
    written: list[int | None] = [None]
    built: list[list[list[object]]] = []
    for t in txns:
        mops: list[list[object]] = []
        for f, k in t:
            if f == "w":
                value += 1
                written.append(value)
                mops.append(["w", k, value])
            else:
                mops.append(["r", k, None])
        built.append(mops)
    i = 0
    for mops in built:
        for m in mops:
            if m[0] == "r":
                m[2] = written[reads[i % len(reads)] % len(written)]
                i += 1
    b = Builder()
    if overlap:
        for p, mops in enumerate(built):
            b.invoke(p, mops)  # type: ignore[arg-type]
        for p in range(len(built)):
            b.ok(p)
    else:
        for p, mops in enumerate(built):
            b.txn(p, mops)  # type: ignore[arg-type]
    h = b.history()
    result = check_rw_register(h, model="serializable", time_limit=30)
    ts = read_txns(h, writes=frozenset({"w"}), read_kind="register")
    if "serializable" in result.boundary.ruled_out:
        assert not register_serializable(ts)
    if "strict-serializable" in result.boundary.ruled_out:
        assert not register_serializable(ts, realtime=True)
