"""Running host tools inside a container's namespaces with ``nsenter``, by the container's PID.

``--net`` only: the host's iptables, tc and ip act on the container's network (images need none
of them). ``--mount --uts --ipc --net --root --wd``: a short command in the container's own
filesystem (its binaries), without the API round trips of ``docker exec``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.kernel.nodes import ExecError, ExecResult
from harness.shell.runtime import runstate
from harness.shell.runtime.netns import NetnsProcess, ReapListener
from harness.shell.runtime.runstate import ProcessRecord, RunState

NET = ("--net",)
NODE = ("--mount", "--uts", "--ipc", "--net", "--root", "--wd")


def nsenter_argv(pid: int, namespaces: Sequence[str], argv: Sequence[str]) -> list[str]:
    return ["nsenter", f"--target={pid}", *namespaces, "--", *argv]


def run(node: str, pid: int, namespaces: Sequence[str], argv: Sequence[str], *,
        timeout: float, check: bool, stdin: str | bytes | None = None) -> ExecResult:
    """Run ``argv`` in the namespaces of ``pid``; :class:`ExecError` if it fails and ``check``
    (a timeout is returncode -1)."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    try:
        proc = subprocess.run(nsenter_argv(pid, namespaces, argv), input=data,
                              capture_output=True, timeout=timeout, check=False)
        result = ExecResult(argv=tuple(argv), returncode=proc.returncode,
                            stdout=proc.stdout.decode(errors="replace"),
                            stderr=proc.stderr.decode(errors="replace"))
    except subprocess.TimeoutExpired as e:
        result = ExecResult(argv=tuple(argv), returncode=-1, stdout="",
                            stderr=f"timed out after {e.timeout} s")
    if check and not result.ok:
        raise ExecError(node, result)
    return result


def read(node: str, pid: int, path: str, *, timeout: float = 30.0) -> bytes:
    """The bytes of ``path`` inside the container; ``FileNotFoundError`` if it is not there."""
    try:
        proc = subprocess.run(nsenter_argv(pid, NODE, ["cat", "--", path]), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise OSError(f"reading {path} on {node} timed out") from None
    if proc.returncode != 0:
        raise FileNotFoundError(f"{path} on {node}: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def write(node: str, pid: int, path: str, data: bytes, *, timeout: float = 30.0) -> None:
    """Write ``path`` inside the container atomically (parents created)."""
    script = 'mkdir -p "$(dirname "$1")" && cat >"$1.tmp" && mv -f "$1.tmp" "$1"'
    run(node, pid, NODE, ["sh", "-c", script, "sh", path], timeout=timeout, check=True,
        stdin=data)


__all__ = ["NET", "NODE", "nsenter_argv", "read", "run", "write"]


def spawn_in_net(owner: ReapListener, *, node: str, pid: int, name: str, argv: Sequence[str],
                 log_path: Path, env: Mapping[str, str] | None, state: RunState) -> NetnsProcess:
    """Start a host program (``argv``) in the network namespace of the container whose init is
    ``pid``, as the controller's child with its output in ``log_path``, recorded in the run
    ``state`` so that cleanup finds it."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as out:
        popen = subprocess.Popen(
            nsenter_argv(pid, NET, argv), stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            start_new_session=True)
    proc = NetnsProcess(owner, node, name, popen, log_path)
    start = runstate.process_start_time(popen.pid)
    if start is not None:
        state.add_process(ProcessRecord(pid=popen.pid, start_time=start, node=node, name=name))
    return proc
