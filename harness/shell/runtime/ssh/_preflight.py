"""The preflight: what works on each host, checked before anything starts.

One probe per host (one command over SSH) finds: the login (root, or ``sudo -n`` without a
password), ``iptables`` (and whether it works), libfaketime, ``python3`` (version), ``etcd``,
``redis-server`` and ``redis-sentinel``, ``tc``, the hostname, and the controller's address as the
host sees it (from ``SSH_CONNECTION``). :func:`refusals` turns what a test needs into reasons it
cannot run there; the caller prints :func:`table` and refuses (exit 254).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FAKETIME_PATHS = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
    "/usr/lib64/faketime/libfaketime.so.1",
    "/usr/local/lib/faketime/libfaketime.so.1",
)

MIN_PYTHON = (3, 11)

PROBE = (
    "PATH=$PATH:/usr/sbin:/sbin:/usr/local/sbin; "
    "echo \"uid=$(id -u)\"; echo \"hostname=$(hostname)\"; "
    "echo \"ssh_connection=$SSH_CONNECTION\"; "
    "if [ \"$(id -u)\" = 0 ]; then S=; elif sudo -n true 2>/dev/null; then S='sudo -n'; "
    "echo sudo=yes; else S=; echo sudo=no; fi; "
    "if command -v iptables >/dev/null; then "
    "$S iptables -w -L INPUT -n >/dev/null 2>&1 && echo iptables=works || echo iptables=fails; "
    "fi; "
    f"for p in {' '.join(FAKETIME_PATHS)}; do [ -f $p ] && echo faketime=$p && break; done; "
    "command -v python3 >/dev/null && echo \"python3=$(python3 -c "
    "'import sys; print(\"%d.%d.%d\" % sys.version_info[:3])' 2>/dev/null)\"; "
    "for c in etcd redis-server redis-sentinel tc; do "
    "command -v $c >/dev/null && echo \"$c=$(command -v $c)\"; done; true"
)
"""Run as the login user (not through sudo): prints ``key=value`` lines."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HostFacts:
    """What the probe found on one host."""

    node: str
    host: str
    root: bool
    sudo: bool
    iptables: bool
    faketime: str | None
    python: tuple[int, int, int] | None
    programs: Mapping[str, str]
    """``etcd``, ``redis-server``, ``redis-sentinel``, ``tc``: their paths, when present."""
    hostname: str
    controller_address: str | None

    @property
    def privileged(self) -> bool:
        return self.root or self.sudo

    @property
    def python_ok(self) -> bool:
        return self.python is not None and self.python[:2] >= MIN_PYTHON


def parse_probe(node: str, host: str, stdout: str) -> HostFacts:
    values: dict[str, str] = {}
    for line in stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    python: tuple[int, int, int] | None = None
    parts = values.get("python3", "").split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        python = (int(parts[0]), int(parts[1]), int(parts[2]))
    ssh_connection = values.get("ssh_connection", "").split()
    return HostFacts(
        node=node, host=host, root=values.get("uid") == "0", sudo=values.get("sudo") == "yes",
        iptables=values.get("iptables") == "works", faketime=values.get("faketime") or None,
        python=python,
        programs={k: values[k] for k in ("etcd", "redis-server", "redis-sentinel", "tc")
                  if values.get(k)},
        hostname=values.get("hostname", ""),
        controller_address=ssh_connection[0] if ssh_connection else None,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Needs:
    """What a test needs of every host."""

    iptables: bool = False
    faketime: bool = False
    python: bool = False
    programs: tuple[str, ...] = ()
    why: Mapping[str, str] | None = None
    """Why each need arises (e.g. ``{"iptables": "--nemesis partition"}``), for messages."""


def refusals(facts: Sequence[HostFacts], needs: Needs) -> list[str]:
    """Reasons the test cannot run on these hosts (empty: it can)."""
    why = dict(needs.why or {})
    out: list[str] = []
    for f in facts:
        if not f.privileged:
            out.append(f"{f.node} ({f.host}): the login is not root and 'sudo -n' needs a "
                       "password (processes and firewall rules need root)")
        if needs.iptables and not f.iptables:
            out.append(f"{f.node} ({f.host}): iptables is missing or does not work, needed for "
                       f"{why.get('iptables', 'network faults')}")
        if needs.faketime and f.faketime is None:
            out.append(f"{f.node} ({f.host}): libfaketime is missing (Debian package faketime), "
                       f"needed for {why.get('faketime', 'clock faults')}")
        if needs.python and not f.python_ok:
            have = "missing" if f.python is None else ".".join(map(str, f.python))
            out.append(f"{f.node} ({f.host}): python3 >= {MIN_PYTHON[0]}.{MIN_PYTHON[1]} is "
                       f"needed for {why.get('python', 'the Raft KV')} (found: {have})")
        for program in needs.programs:
            if program not in f.programs:
                out.append(f"{f.node} ({f.host}): {program} is not installed, needed for "
                           f"{why.get(program, 'the target')} (install the host's package, "
                           f"e.g. apt-get install {_package(program)})")
    return out


def _package(program: str) -> str:
    return {"etcd": "etcd-server", "redis-server": "redis-server",
            "redis-sentinel": "redis-sentinel", "tc": "iproute2"}.get(program, program)


def table(facts: Sequence[HostFacts]) -> str:
    """A fixed-width table of what works on each host."""
    header = ("node", "host", "login", "iptables", "libfaketime", "python3", "etcd", "redis")
    rows = [header]
    for f in facts:
        login = "root" if f.root else ("sudo" if f.sudo else "NO ROOT")
        python = "no" if f.python is None else ".".join(map(str, f.python))
        redis = "yes" if {"redis-server", "redis-sentinel"} <= set(f.programs) else (
            "server only" if "redis-server" in f.programs else "no")
        rows.append((f.node, f.host, login, "yes" if f.iptables else "no",
                     "yes" if f.faketime else "no", python,
                     "yes" if "etcd" in f.programs else "no", redis))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


__all__ = ["FAKETIME_PATHS", "PROBE", "HostFacts", "Needs", "parse_probe", "refusals", "table"]
