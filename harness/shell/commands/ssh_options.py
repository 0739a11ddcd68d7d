"""The ``--runtime ssh`` flags of ``splitbrain run`` (shortcuts for ``--runtime-opt``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., None])

_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("--hosts", "hosts",
     "ssh: the hosts file, one node per line: NAME HOST[:PORT] (HOST may be an alias of the SSH "
     "config). The nodes are these names (--nodes is ignored)."),
    ("--ssh-user", "user", "ssh: login user [default: the SSH config's User, else root]."),
    ("--ssh-key", "key", "ssh: private key file [default: the SSH config's IdentityFile, else "
                         "the default keys and the agent]."),
    ("--ssh-known-hosts", "known-hosts",
     "ssh: known_hosts file; an unknown or changed host key stops the run before anything "
     "starts [default: ~/.ssh/known_hosts]."),
    ("--ssh-config", "config",
     "ssh: SSH config file (HostName, User, Port, IdentityFile, ProxyJump are honoured) "
     "[default: ~/.ssh/config; 'none' to read none]."),
    ("--ssh-dir", "dir",
     "ssh: where runs keep files on the hosts, one directory per run, removed at the end "
     "[default: /var/tmp/splitbrain]."),
)


def ssh_flags(fn: F) -> F:
    """Add the ssh flags to a click command (as ``ssh_*`` keyword arguments)."""
    fn = click.option(
        "--ssh-no-host-key-check", "ssh_no_host_key_check", is_flag=True,
        help="ssh: accept any host key (INSECURE; logged loudly). Without it, host keys are "
             "verified against --ssh-known-hosts.")(fn)
    for flag, key, text in reversed(_FLAGS):
        fn = click.option(flag, f"ssh_{key.replace('-', '_')}", default=None,
                          metavar="PATH" if key not in ("user",) else "USER", help=text)(fn)
    return fn


def ssh_runtime_options(values: Mapping[str, object]) -> dict[str, str]:
    """``--runtime-opt`` pairs from the ssh flags that were given."""
    out: dict[str, str] = {}
    for _, key, _ in _FLAGS:
        value = values.get(f"ssh_{key.replace('-', '_')}")
        if value is not None:
            out[key] = str(value)
    if values.get("ssh_no_host_key_check"):
        out["no-host-key-check"] = "true"
    return out


__all__ = ["ssh_flags", "ssh_runtime_options"]
