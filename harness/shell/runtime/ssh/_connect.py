"""SSH connections with paramiko: options, ``~/.ssh/config``, host-key verification, ProxyJump.

Precedence (as in OpenSSH): the hosts file's port, then ``--ssh-user`` / ``--ssh-key`` given on
the command line, then the SSH config (``HostName``, ``User``, ``Port``, ``IdentityFile``,
``ProxyJump``, ``ProxyCommand``), then the defaults (user ``root``, port 22, the user's default
keys and agent).

Host keys are checked against ``known_hosts`` (default ``~/.ssh/known_hosts``; hashed entries and
``[host]:port`` entries work). An unknown host raises :class:`UnknownHostKeyError`, a changed key
:class:`ChangedHostKeyError`; nothing is ever added to ``known_hosts``. With ``insecure=True``
(``--ssh-no-host-key-check``) every key is accepted and each acceptance is logged as a warning.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path

import paramiko

from harness.shell.runtime.ssh._options import (
    DEFAULT_CONFIG,
    DEFAULT_KNOWN_HOSTS,
    DEFAULT_USER,
    ChangedHostKeyError,
    HostKeyError,
    SshConnectError,
    SshOptions,
    UnknownHostKeyError,
)

log = logging.getLogger("splitbrain.ssh")


@dataclass(frozen=True, kw_only=True, slots=True)
class Endpoint:
    """Where and how to log in to one host, after the SSH config was applied."""

    alias: str
    """The HOST as written (hosts file or ProxyJump), for messages and config lookup."""
    hostname: str
    port: int
    user: str
    key_files: tuple[str, ...] = ()
    jumps: tuple[str, ...] = field(default=())
    """ProxyJump hops (``[user@]host[:port]``), outermost first."""
    proxy_command: str | None = None

    def describe(self) -> str:
        via = f" via {', '.join(self.jumps)}" if self.jumps else ""
        return f"{self.user}@{self.hostname}:{self.port}{via}"


def load_config(options: SshOptions) -> paramiko.SSHConfig:
    """The SSH config named by ``options`` (an empty one when it is None or does not exist)."""
    if options.config is None:
        return paramiko.SSHConfig()
    path = options.config.expanduser()
    if not path.exists():
        return paramiko.SSHConfig()
    try:
        return paramiko.SSHConfig.from_path(str(path))
    except (OSError, ValueError, paramiko.ConfigParseError) as e:
        raise SshConnectError(f"cannot read the SSH config {path}: {e}") from e


def _split_jump(hop: str) -> tuple[str | None, str, int | None]:
    user, _, rest = hop.rpartition("@")
    host, port = rest, None
    if rest.startswith("["):
        host, _, tail = rest[1:].partition("]")
        port = int(tail[1:]) if tail.startswith(":") else None
    elif rest.count(":") == 1:
        host, port_text = rest.split(":")
        port = int(port_text)
    return (user or None), host, port


def resolve(
    host: str, port: int | None, options: SshOptions, config: paramiko.SSHConfig,
    *, user: str | None = None,
) -> Endpoint:
    """Apply the options and the SSH config to ``host`` (see the module docstring)."""
    entry = config.lookup(host)
    hostname = str(entry.get("hostname", host))
    if port is None:
        port = int(str(entry.get("port", 22)))
    login = user or options.user or entry.get("user") or DEFAULT_USER
    keys: tuple[str, ...]
    if options.key is not None:
        keys = (str(options.key.expanduser()),)
    else:
        found: object = entry.get("identityfile", [])
        keys = tuple(str(Path(k).expanduser()) for k in found) if isinstance(found, list) else ()
    jump_text = entry.get("proxyjump")
    jumps: tuple[str, ...] = ()
    if jump_text and str(jump_text).lower() != "none":
        jumps = tuple(h.strip() for h in str(jump_text).split(",") if h.strip())
    proxy = entry.get("proxycommand")
    return Endpoint(alias=host, hostname=hostname, port=port, user=str(login), key_files=keys,
                    jumps=jumps,
                    proxy_command=None if not proxy or proxy == "none" else str(proxy))


class _Accept(paramiko.MissingHostKeyPolicy):
    """Insecure mode: accept any key, loudly."""

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str,
                         key: paramiko.PKey) -> None:
        log.warning("HOST KEY NOT VERIFIED for %s (%s %s): --ssh-no-host-key-check is on",
                    hostname, key.get_name(), key.fingerprint)


class _Refuse(paramiko.MissingHostKeyPolicy):
    def __init__(self, known_hosts: Path) -> None:
        self._known_hosts = known_hosts

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str,
                         key: paramiko.PKey) -> None:
        raise UnknownHostKeyError(
            f"unknown host key for {hostname}: {key.get_name()} {key.fingerprint} is not in "
            f"{self._known_hosts}. Check the fingerprint out of band, then add the key "
            f"(e.g. ssh-keyscan), or pass --ssh-known-hosts FILE; "
            f"--ssh-no-host-key-check skips verification (insecure)"
        )


def _client(options: SshOptions) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    if options.insecure:
        client.set_missing_host_key_policy(_Accept())
        return client
    known = options.known_hosts.expanduser()
    if known.exists():
        try:
            client.load_host_keys(str(known))
        except (OSError, paramiko.SSHException) as e:
            raise HostKeyError(f"cannot read known_hosts {known}: {e}") from e
    client.set_missing_host_key_policy(_Refuse(known))
    return client


def connect(
    endpoint: Endpoint, options: SshOptions, config: paramiko.SSHConfig, *, node: str,
) -> tuple[paramiko.SSHClient, list[paramiko.SSHClient]]:
    """Log in to ``endpoint`` (through its jump hosts); returns the client and the jump clients
    (close them after the client). Raises :class:`HostKeyError` or :class:`SshConnectError`."""
    hops = []
    for hop in endpoint.jumps:
        hop_user, hop_host, hop_port = _split_jump(hop)
        hops.append(resolve(hop_host, hop_port, options, config, user=hop_user))
    chain = [*hops, endpoint]
    jumps: list[paramiko.SSHClient] = []
    sock: paramiko.Channel | paramiko.ProxyCommand | None = None
    if endpoint.proxy_command and not hops:
        sock = paramiko.ProxyCommand(endpoint.proxy_command)
    try:
        for i, hop_end in enumerate(hops):
            hop_client = _open(hop_end, options, sock, node=f"{node} (jump host {hop_end.alias})")
            jumps.append(hop_client)
            sock = _forward(hop_client, hop_end, chain[i + 1], options)
        return _open(endpoint, options, sock, node=node), jumps
    except BaseException:
        for jump in reversed(jumps):
            jump.close()
        raise


def _forward(hop_client: paramiko.SSHClient, hop: Endpoint, target: Endpoint,
             options: SshOptions) -> paramiko.Channel:
    """A direct-tcpip channel from the jump host to the next hop."""
    transport = hop_client.get_transport()
    if transport is None:
        raise SshConnectError(f"jump host {hop.alias}: connection lost")
    try:
        return transport.open_channel("direct-tcpip", (target.hostname, target.port),
                                      ("127.0.0.1", 0), timeout=options.connect_timeout_s)
    except (paramiko.SSHException, OSError) as e:
        raise SshConnectError(
            f"jump host {hop.alias} cannot reach {target.hostname}:{target.port}: {e}") from e


def _open(
    endpoint: Endpoint, options: SshOptions,
    sock: paramiko.Channel | paramiko.ProxyCommand | None, *, node: str,
) -> paramiko.SSHClient:
    client = _client(options)
    try:
        client.connect(
            endpoint.hostname, port=endpoint.port, username=endpoint.user,
            key_filename=list(endpoint.key_files) or None,  # type: ignore[arg-type]
            look_for_keys=not endpoint.key_files, allow_agent=not endpoint.key_files,
            timeout=options.connect_timeout_s, banner_timeout=options.connect_timeout_s,
            auth_timeout=options.connect_timeout_s, sock=sock,
        )
    except HostKeyError as e:
        client.close()
        raise type(e)(f"{node}: {e}") from None
    except paramiko.BadHostKeyException as e:
        client.close()
        raise ChangedHostKeyError(
            f"{node}: the host key of {endpoint.hostname} CHANGED: expected "
            f"{e.expected_key.get_name()} {e.expected_key.fingerprint}, got "
            f"{e.key.get_name()} {e.key.fingerprint} ({options.known_hosts}). This may be an "
            f"attack; if the host was reinstalled, update known_hosts"
        ) from None
    except paramiko.AuthenticationException as e:
        client.close()
        raise SshConnectError(
            f"{node}: cannot log in to {endpoint.describe()}: {e} (keys tried: "
            f"{', '.join(endpoint.key_files) or 'the default keys and agent'})"
        ) from None
    except (paramiko.SSHException, OSError, EOFError) as e:
        client.close()
        raise SshConnectError(
            f"{node}: cannot connect to {endpoint.describe()}: {type(e).__name__}: {e}"
        ) from None
    transport = client.get_transport()
    if transport is not None:
        transport.set_keepalive(5)
        if isinstance(transport.sock, socket.socket):
            # without it, small requests (a channel open) wait out delayed ACKs: ~45 ms each
            transport.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client


__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_KNOWN_HOSTS",
    "DEFAULT_USER",
    "ChangedHostKeyError",
    "Endpoint",
    "HostKeyError",
    "SshConnectError",
    "SshOptions",
    "UnknownHostKeyError",
    "connect",
    "load_config",
    "resolve",
]
