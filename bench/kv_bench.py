"""Key-value (get/put/append) checking benchmark, on histories shaped like Porcupine's kv tests.

    .venv/bin/python bench/kv_bench.py [--repeat 3] [--time-limit 60] [--porcupine DIR]

Generated histories (``tests/checkers/linearizable/kv_histories.py``): 1, 10 and 50 clients on
10 keys, valid ("ok") and with four keys losing an append ("bad"), plus the c50-bad-like shape
(four invalid keys and one hard key that comes first). For each it prints:

- ``check``: the whole check in this process (every key decided, or the budget spent);
- ``first-invalid``: the time to the verdict when only the verdict is needed (stop at the first
  invalid key), for each way of sharing the budget between keys: round-robin slices, doubling
  slices ("deepening"), one key after another ("sequential"), and worker processes (2).

Porcupine's anchor (its paper's kv tests, Go, in process): the 50-client "ok" history in 0.12 s,
c50-bad found not linearizable in 0.016 s. ``--porcupine DIR`` also times Porcupine's own
``test_data/kv`` files if you have them (a checkout of anishathalye/porcupine; never copied here).
Times are the best of ``--repeat`` runs (the machine is shared).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkers.linearizable import (  # noqa: E402
    LinearizabilityResult,
    Schedule,
    check,
    get_model,
)
from harness.kernel.history import History  # noqa: E402
from harness.kernel.historyio import read_history  # noqa: E402
from tests.checkers.linearizable.kv_histories import (  # noqa: E402
    kv_history,
    porcupine_c50_bad_like,
)

KV = get_model("kv")


def _best(
    repeat: int, run: Callable[[], LinearizabilityResult]
) -> tuple[float, LinearizabilityResult]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def _row(name: str, history: History, repeat: int, limit: float) -> None:
    ops = len(history.operations())
    seconds, result = _best(repeat, lambda: check(history, KV, time_limit=limit, workers=1))
    counts = ", ".join(f"{n} {s.value}" for s, n in sorted(result.status_counts().items()))
    print(f"{name:<16} {ops:>6} ops  check {seconds:8.3f} s  {result.verdict.value:<8} ({counts})")
    if result.verdict.value == "valid":
        return
    for label, kwargs in (
        ("round-robin", {"schedule": Schedule.ROUND_ROBIN, "workers": 1}),
        ("deepening", {"schedule": Schedule.DEEPENING, "workers": 1}),
        ("sequential", {"schedule": Schedule.SEQUENTIAL, "workers": 1}),
        ("2 workers", {"workers": 2}),
    ):
        seconds, first = _best(
            repeat,
            lambda kwargs=kwargs: check(  # type: ignore[misc]
                history, KV, time_limit=limit, stop_on_invalid=True, **kwargs
            ),
        )
        print(f"{'':<16} first-invalid {label:<12} {seconds:8.3f} s  {first.verdict.value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--porcupine", type=Path, default=None,
                        help="a porcupine checkout: also time its test_data/kv files")
    args = parser.parse_args()
    print("Porcupine anchor (Go, in process): c50-ok 0.12 s; c50-bad invalid in 0.016 s")
    for clients in (1, 10, 50):
        per_client = max(1, 1700 // clients) if clients > 1 else 116
        ok = kv_history(clients=clients, ops_per_client=per_client, seed=clients)
        bad = kv_history(clients=clients, ops_per_client=per_client, seed=clients,
                         lost=(1, 2, 4, 6))
        _row(f"c{clients:02d}-ok", ok, args.repeat, args.time_limit)
        _row(f"c{clients:02d}-bad", bad, args.repeat, args.time_limit)
    _row("c50-bad-hard", porcupine_c50_bad_like(), 1, args.time_limit)
    if args.porcupine is not None:
        for path in sorted((args.porcupine / "test_data" / "kv").glob("*.txt")):
            _row(f"porcupine/{path.stem}", read_history(path), args.repeat, args.time_limit)


if __name__ == "__main__":
    main()
