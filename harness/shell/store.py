"""The store: one directory per run (DESIGN.md, "The store").

``store/<test-name>/<YYYYmmddTHHMMSS.fff>/`` holds test.json, history.jsonl, results.json,
controller.log and ``nodes/<node>/``; ``store/latest`` points at the newest run.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

from harness.kernel.config import TestConfig
from harness.kernel.errors import BadInputError
from harness.kernel.jsontypes import JSON

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class StoreError(BadInputError):
    """The store cannot be used (bad test name, unwritable directory)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RunDir:
    """The directory of one run and the files in it."""

    path: Path
    started: datetime

    @property
    def test_json(self) -> Path:
        return self.path / "test.json"

    @property
    def history(self) -> Path:
        return self.path / "history.jsonl"

    @property
    def results(self) -> Path:
        return self.path / "results.json"

    @property
    def controller_log(self) -> Path:
        return self.path / "controller.log"

    def node_dir(self, node: str) -> Path:
        path = self.path / "nodes" / node
        path.mkdir(parents=True, exist_ok=True)
        return path


def validate_test_name(name: str) -> str:
    if not _NAME.match(name):
        raise StoreError(
            f"test name {name!r} must be 1-100 letters, digits, '.', '_' or '-' "
            "(starting with a letter or digit)"
        )
    return name


def versions() -> dict[str, JSON]:
    """What produced the run: splitbrain, Python, the kernel."""
    try:
        version = metadata.version("splitbrain")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {
        "splitbrain": version,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "machine": platform.machine(),
    }


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%S") + f".{when.microsecond // 1000:03d}"


def create_run(store: Path, test: TestConfig, *, now: datetime | None = None) -> RunDir:
    """Create the run directory, write ``test.json`` and point ``store/latest`` at it."""
    validate_test_name(test.name)
    when = now if now is not None else datetime.now(UTC)
    parent = store / test.name
    try:
        parent.mkdir(parents=True, exist_ok=True)
        while True:
            path = parent / _stamp(when)
            try:
                path.mkdir()
                break
            except FileExistsError:
                when += timedelta(milliseconds=1)
    except OSError as e:
        raise StoreError(f"cannot create a run directory under {store}: {e.strerror}") from e
    run = RunDir(path=path, started=when)
    (path / "nodes").mkdir()
    write_json(
        run.test_json,
        {
            "test": test.to_json(),
            "seed": test.seed,
            "start_time": when.isoformat(),
            "versions": versions(),
        },
    )
    run.history.touch()
    _point_latest(store, path)
    return run


def _point_latest(store: Path, path: Path) -> None:
    latest = store / "latest"
    tmp = store / f".latest.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(path.relative_to(store))
    os.replace(tmp, latest)


def write_json(path: Path, obj: JSON) -> None:
    """Write ``obj`` atomically (a reader never sees half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def controller_log_handler(run: RunDir) -> logging.Handler:
    handler = logging.FileHandler(run.controller_log, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    return handler


def collect_logs(dest_dir: Path, files: Mapping[str, Path],
                 read: Callable[[Path], bytes] = Path.read_bytes) -> list[Path]:
    """Copy a node's log files into its store directory (files already there are kept);
    ``read`` reads a file where the node keeps it (the runtime's ``get_file``)."""
    copied: list[Path] = []
    dest_dir.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        dest = dest_dir / name
        try:
            if dest.resolve() == source.resolve() and dest.exists():
                copied.append(dest)
                continue
            data = read(source)
            tmp = dest.with_name(dest.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, dest)
            copied.append(dest)
        except OSError:
            continue
    return copied


__all__ = [
    "RunDir",
    "StoreError",
    "collect_logs",
    "controller_log_handler",
    "create_run",
    "validate_test_name",
    "versions",
    "write_json",
]
