"""Running host tools inside a container's namespaces with ``nsenter``, by the container's PID.

``--net`` only: the host's iptables, tc and ip act on the container's network (images need none
of them). ``--mount --uts --ipc --net --root --wd``: a short command in the container's own
filesystem (its binaries), without the API round trips of ``docker exec``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from harness.runtime.base import ExecError, ExecResult

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
