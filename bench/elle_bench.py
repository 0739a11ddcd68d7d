"""Elle-style list-append checker benchmark: check time and peak memory at 10k, 100k and 1M
transactions from the simulator (concurrency 10, 1-7 micro-ops per transaction, about 4).

    .venv/bin/python bench/elle_bench.py [--sizes 10000,100000,1000000] [--isolation serializable]

Each size runs in its own child process so that its peak RSS is its own. Printed per size:
simulation seconds, check seconds (inference, process/real-time edges, cheap cycle pass,
detailed search; excludes simulation), transactions per second of checking, peak RSS after the
simulation and after the check, and with ``--via-history`` also the time to go through a
``History`` (pairing and micro-op parsing, as ``splitbrain check`` does).

Goal (issue 14): 100k transactions in under 10 s on the project's 2-core machine. Anchor: Elle
reports roughly 100k-160k transactions/s on a large JVM.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(size: int, isolation: str, via_history: bool, seed: int) -> dict[str, object]:
    from checkers.elle import _list_append
    from checkers.elle._check import check_txns
    from checkers.elle.simulate import Isolation, SimConfig, simulate, to_history

    t0 = time.perf_counter()
    txns = list(simulate(SimConfig(isolation=Isolation(isolation), txns=size, seed=seed)))
    t1 = time.perf_counter()
    rss_sim = _rss_mb()
    mops = sum(len(t.mops) for t in txns)
    if via_history:
        from checkers.elle import check_list_append

        history = to_history(txns)
        del txns
        t1 = time.perf_counter()
        result = check_list_append(history, time_limit=600)
    else:
        result = check_txns(txns, _list_append.infer, workload="list-append", time_limit=600)
    t2 = time.perf_counter()
    return {"size": size, "mops": mops, "simulate_s": round(t1 - t0, 2),
            "check_s": round(t2 - t1, 2), "txn_per_s": round(size / (t2 - t1)),
            "rss_after_sim_mb": round(rss_sim), "peak_rss_mb": round(_rss_mb()),
            "verdict": result.verdict.value, "anomalies": list(result.anomalies),
            "complete": result.complete}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--isolation", default="serializable",
                        help="serializable, snapshot-isolation, read-committed, lost-update")
    parser.add_argument("--via-history", action="store_true",
                        help="check through a History (pairing + parsing included)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.isolation, args.via_history, args.seed)))
        return
    print(f"{'txns':>9} {'mops':>9} {'sim s':>7} {'check s':>8} {'txn/s':>8} "
          f"{'rss sim MB':>10} {'peak MB':>8}  verdict")
    for size in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(size), "--isolation", args.isolation,
               "--seed", str(args.seed)] + (["--via-history"] if args.via_history else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(f"{size:>9} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout)
        print(f"{r['size']:>9} {r['mops']:>9} {r['simulate_s']:>7} {r['check_s']:>8} "
              f"{r['txn_per_s']:>8} {r['rss_after_sim_mb']:>10} {r['peak_rss_mb']:>8}  "
              f"{r['verdict']} {','.join(r['anomalies'])}"
              f"{'' if r['complete'] else ' (incomplete)'}")


if __name__ == "__main__":
    main()
