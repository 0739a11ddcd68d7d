"""A file per nemesis recording the faults in force, so a crashed run's leftovers can be named.

``<run_dir>/nemesis/<name>.json`` holds ``{fault: details}`` and is rewritten (atomically) on every
change; it is empty once everything is healed. :func:`leftovers` reads every ledger of a run.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from harness.kernel.jsontypes import JSON

DIRECTORY = "nemesis"


class Ledger:
    def __init__(self, run_dir: Path, name: str) -> None:
        self.path = run_dir / DIRECTORY / f"{name}.json"
        self._entries: dict[str, JSON] = {}
        self._lock = threading.Lock()

    def record(self, fault: str, details: JSON) -> None:
        with self._lock:
            self._entries[fault] = details
            self._save()

    def clear(self, fault: str) -> None:
        with self._lock:
            if self._entries.pop(fault, None) is not None:
                self._save()

    def entries(self) -> dict[str, JSON]:
        with self._lock:
            return dict(self._entries)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._entries, sort_keys=True, indent=1) + "\n")
        os.replace(tmp, self.path)


def leftovers(run_dir: Path) -> dict[str, dict[str, JSON]]:
    """Faults each nemesis of the run recorded and did not heal (empty: all healed)."""
    out: dict[str, dict[str, JSON]] = {}
    directory = run_dir / DIRECTORY
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data:
            out[path.stem] = data
    return out


def settle(run_dir: Path) -> list[str]:
    """After a crashed run's nodes were removed (which heals their rules, qdiscs and processes):
    describe what the ledgers still held and empty them."""
    described = [
        f"nemesis {name}: {fault} {json.dumps(details, sort_keys=True)}"
        for name, faults in leftovers(run_dir).items()
        for fault, details in sorted(faults.items())
    ]
    directory = run_dir / DIRECTORY
    if directory.is_dir():
        for path in directory.glob("*.json"):
            path.write_text("{}\n")
    return described


__all__ = ["DIRECTORY", "Ledger", "leftovers", "settle"]
