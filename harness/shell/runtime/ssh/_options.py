"""What the user said about SSH, and the errors of logging in (no paramiko here: the runtime
registry imports this on every run, whatever its runtime)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_USER = "root"
DEFAULT_KNOWN_HOSTS = Path("~/.ssh/known_hosts")
DEFAULT_CONFIG = Path("~/.ssh/config")
CONNECT_TIMEOUT_S = 10.0


class SshConnectError(RuntimeError):
    """A host could not be reached or logged into; the message names the node and host."""


class HostKeyError(SshConnectError):
    """The host's key could not be verified (unknown or changed)."""


class UnknownHostKeyError(HostKeyError):
    pass


class ChangedHostKeyError(HostKeyError):
    pass


@dataclass(frozen=True, kw_only=True, slots=True)
class SshOptions:
    """What the user said about SSH (command line); None means 'from the SSH config or default'."""

    user: str | None = None
    key: Path | None = None
    known_hosts: Path = DEFAULT_KNOWN_HOSTS
    config: Path | None = DEFAULT_CONFIG
    """The SSH config file; None: do not read one."""
    insecure: bool = False
    """Skip host-key verification (loudly logged)."""
    connect_timeout_s: float = CONNECT_TIMEOUT_S

    def to_json(self) -> dict[str, str | bool | float | None]:
        return {
            "user": self.user,
            "key": None if self.key is None else str(self.key),
            "known_hosts": str(self.known_hosts),
            "config": None if self.config is None else str(self.config),
            "insecure": self.insecure,
            "connect_timeout_s": self.connect_timeout_s,
        }

    @classmethod
    def from_json(cls, obj: dict[str, object]) -> SshOptions:
        def path(key: str) -> Path | None:
            value = obj.get(key)
            return None if value is None else Path(str(value))

        user = obj.get("user")
        known = path("known_hosts")
        return cls(
            user=None if user is None else str(user),
            key=path("key"),
            known_hosts=known if known is not None else DEFAULT_KNOWN_HOSTS,
            config=path("config"),
            insecure=bool(obj.get("insecure", False)),
            connect_timeout_s=float(str(obj.get("connect_timeout_s", CONNECT_TIMEOUT_S))),
        )


__all__ = [
    "CONNECT_TIMEOUT_S",
    "DEFAULT_CONFIG",
    "DEFAULT_KNOWN_HOSTS",
    "DEFAULT_USER",
    "ChangedHostKeyError",
    "HostKeyError",
    "SshConnectError",
    "SshOptions",
    "UnknownHostKeyError",
]
