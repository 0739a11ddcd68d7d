"""The run-state file: everything a run creates on the host, recorded *before* it is created.

``/run/splitbrain/<run-id>.json`` lists the run's namespaces, bridge, veths and processes (PID
with its kernel start time), so :func:`cleanup` can remove what a crashed or SIGKILLed controller
left behind, and nothing else.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from harness.kernel.jsontypes import JSON


def _default_state_dir() -> Path:
    """``$SPLITBRAIN_STATE_DIR``; else ``/run/splitbrain`` for root, and for other users (who can
    still run ``--runtime ssh`` or docker) ``$XDG_RUNTIME_DIR/splitbrain`` or
    ``~/.cache/splitbrain/run``."""
    explicit = os.environ.get("SPLITBRAIN_STATE_DIR")
    if explicit:
        return Path(explicit)
    if os.geteuid() == 0:
        return Path("/run/splitbrain")
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        return Path(runtime_dir) / "splitbrain"
    return Path.home() / ".cache" / "splitbrain" / "run"


STATE_DIR = _default_state_dir()


def process_start_time(pid: int) -> int | None:
    """The kernel start time of ``pid`` (clock ticks since boot), or None if it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may contain spaces and parentheses: split after the last ')'
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[19])  # field 22 of the whole line


@dataclass(kw_only=True, slots=True)
class ProcessRecord:
    pid: int
    start_time: int
    node: str
    name: str

    def to_json(self) -> dict[str, JSON]:
        return {"pid": self.pid, "start_time": self.start_time, "node": self.node,
                "name": self.name}


@dataclass(kw_only=True, slots=True)
class RunState:
    """What one run has (or is about to have) created; saved on every change."""

    run_id: str
    path: Path
    controller_pid: int
    controller_start_time: int | None
    subnet: str | None = None
    bridge: str | None = None
    namespaces: list[str] = field(default_factory=list)
    veths: list[str] = field(default_factory=list)
    processes: list[ProcessRecord] = field(default_factory=list)
    store_dir: str | None = None
    runtime: str = "netns"
    """The runtime kind that created this (``cleanup`` dispatches on it)."""
    details: dict[str, JSON] = field(default_factory=dict)
    """Runtime-specific records (docker: the engine's address and the run's label)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def create(cls, run_id: str, state_dir: Path | None = None, *, runtime: str = "netns",
               details: dict[str, JSON] | None = None) -> RunState:
        directory = state_dir if state_dir is not None else STATE_DIR
        directory.mkdir(parents=True, exist_ok=True)
        pid = os.getpid()
        state = cls(run_id=run_id, path=directory / f"{run_id}.json", controller_pid=pid,
                    controller_start_time=process_start_time(pid), runtime=runtime,
                    details=dict(details or {}))
        state.save()
        return state

    def to_json(self) -> dict[str, JSON]:
        return {
            "run_id": self.run_id,
            "controller_pid": self.controller_pid,
            "controller_start_time": self.controller_start_time,
            "subnet": self.subnet,
            "bridge": self.bridge,
            "namespaces": list(self.namespaces),
            "veths": list(self.veths),
            "processes": [p.to_json() for p in self.processes],
            "store_dir": self.store_dir,
            "runtime": self.runtime,
            "details": dict(self.details),
        }

    def save(self) -> None:
        with self._lock:
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, self.path)

    def add_process(self, record: ProcessRecord) -> None:
        with self._lock:
            self.processes.append(record)
        self.save()

    def remove_process(self, pid: int) -> None:
        with self._lock:
            self.processes = [p for p in self.processes if p.pid != pid]
        self.save()

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


class RunStateError(ValueError):
    """A run-state file is unreadable or malformed."""


def load(path: Path) -> RunState:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
        procs = [
            ProcessRecord(pid=int(p["pid"]), start_time=int(p["start_time"]),
                          node=str(p["node"]), name=str(p["name"]))
            for p in obj.get("processes", [])
        ]
        start = obj.get("controller_start_time")
        return RunState(
            run_id=str(obj["run_id"]),
            path=path,
            controller_pid=int(obj["controller_pid"]),
            controller_start_time=None if start is None else int(start),
            subnet=obj.get("subnet"),
            bridge=obj.get("bridge"),
            namespaces=[str(n) for n in obj.get("namespaces", [])],
            veths=[str(v) for v in obj.get("veths", [])],
            processes=procs,
            store_dir=obj.get("store_dir"),
            runtime=str(obj.get("runtime", "netns")),
            details=dict(obj.get("details") or {}),
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise RunStateError(f"{path}: unreadable run-state file ({e})") from e


def controller_alive(state: RunState) -> bool:
    """True if the controller that wrote ``state`` is still running."""
    start = process_start_time(state.controller_pid)
    return start is not None and start == state.controller_start_time


def all_states(state_dir: Path | None = None) -> list[Path]:
    directory = state_dir if state_dir is not None else STATE_DIR
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.json"))


__all__ = [
    "STATE_DIR",
    "ProcessRecord",
    "RunState",
    "RunStateError",
    "all_states",
    "controller_alive",
    "load",
    "process_start_time",
]
