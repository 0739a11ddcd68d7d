"""The run's own iptables chains on a host: found by name prefix, removed with their jumps.

Every chain a run creates on a host is named ``sb-<tag>-...`` (see :mod:`nemesis.firewall`).
Removing them touches nothing else: first the rules that jump to one of them (``-j sb-<tag>-...``,
in any built-in chain of the ``filter`` table), then each chain is flushed and deleted.
"""

from __future__ import annotations

import re
import shlex

_PREFIX = re.compile(r"sb-[0-9A-Za-z]+-\Z")


def sweep_script(prefix: str) -> str:
    """A shell script removing every chain named ``prefix...`` and the jumps to it; it prints
    ``removed rule ...`` and ``removed chain ...`` lines. ``prefix`` is like ``sb-1a2b3c4d-``."""
    if not _PREFIX.match(prefix):
        raise ValueError(f"not a run chain prefix: {prefix!r}")
    p = shlex.quote(prefix)
    return (
        "PATH=$PATH:/usr/sbin:/sbin; "
        "command -v iptables >/dev/null || exit 0; "
        f"iptables -w -S | grep -e ' -j '{p} | sed 's/^-A /-D /' | "
        "while read -r rule; do iptables -w $rule && echo \"removed rule $rule\"; done; "
        f"iptables -w -S | awk -v p={p} '$1 == \"-N\" && index($2, p) == 1 {{print $2}}' | "
        "while read -r c; do iptables -w -F \"$c\" && iptables -w -X \"$c\" "
        "&& echo \"removed chain $c\"; done"
    )


def parse_sweep(stdout: str) -> list[str]:
    return [line.strip() for line in stdout.splitlines() if line.startswith("removed ")]


__all__ = ["parse_sweep", "sweep_script"]
