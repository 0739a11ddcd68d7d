"""``--runtime ssh``: nodes are real hosts reached over SSH (paramiko), host keys verified.

:mod:`.runtime` holds :class:`SshRuntime`; :mod:`.spec` registers it (options, capabilities,
preflight, cleanup). The pieces: the hosts file (:mod:`._hosts`), connections with the SSH config
and host-key checks (:mod:`._connect`), commands and SFTP (:mod:`._host`), remote processes
(:mod:`._process`), the preflight (:mod:`._preflight`), the run's iptables chains
(:mod:`._chains`), path mapping (:mod:`._paths`) and code deployment (:mod:`._deploy`).
"""

from harness.shell.runtime.ssh._hosts import HostEntry, HostsFileError, parse_hosts, read_hosts
from harness.shell.runtime.ssh._options import (
    ChangedHostKeyError,
    HostKeyError,
    SshConnectError,
    SshOptions,
    UnknownHostKeyError,
)

__all__ = [
    "ChangedHostKeyError",
    "HostEntry",
    "HostKeyError",
    "HostsFileError",
    "SshConnectError",
    "SshOptions",
    "UnknownHostKeyError",
    "parse_hosts",
    "read_hosts",
]
