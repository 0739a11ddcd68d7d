"""The hosts file of ``--runtime ssh``: one node per line, ``NAME HOST[:PORT]``.

``NAME`` is the node's name in the test (letters, digits, ``_``, ``-``, ``.``; at most 32
characters, first a letter or digit). ``HOST`` is an address or a name, looked up in the SSH
config (``Host`` patterns) like ``ssh HOST`` would; an IPv6 address with a port is written
``[ADDR]:PORT``. Blank lines and ``#`` comments are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.kernel.errors import BadInputError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}\Z")
_HOST = re.compile(r"[A-Za-z0-9_.:%-]+\Z")


class HostsFileError(BadInputError):
    """The hosts file is unreadable or malformed; the message names the file and line."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HostEntry:
    """One line of the hosts file."""

    name: str
    host: str
    port: int | None
    """None: from the SSH config, else 22."""
    line: int


def _split_host(text: str, where: str) -> tuple[str, int | None]:
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise HostsFileError(f"{where}: bad HOST {text!r} (IPv6 is [ADDR] or [ADDR]:PORT)")
        port_text = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, None
    if not host or not _HOST.match(host):
        raise HostsFileError(f"{where}: bad HOST {host!r}")
    if port_text is None:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise HostsFileError(f"{where}: bad PORT {port_text!r} (1 to 65535)")
    return host, int(port_text)


def parse_hosts(text: str, source: str = "<hosts>") -> tuple[HostEntry, ...]:
    """The entries of a hosts file's text; raises :class:`HostsFileError` naming ``source:line``."""
    entries: list[HostEntry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{number}"
        fields = line.split()
        if len(fields) != 2:
            raise HostsFileError(f"{where}: expected 'NAME HOST[:PORT]', got {raw.strip()!r}")
        name, host_text = fields
        if not _NAME.match(name):
            raise HostsFileError(
                f"{where}: bad NAME {name!r} (letters, digits, '_', '-', '.'; at most 32)")
        if name in seen:
            raise HostsFileError(f"{where}: node {name!r} is already on line {seen[name]}")
        seen[name] = number
        host, port = _split_host(host_text, where)
        entries.append(HostEntry(name=name, host=host, port=port, line=number))
    if not entries:
        raise HostsFileError(f"{source}: no hosts (one 'NAME HOST[:PORT]' per line)")
    return tuple(entries)


def read_hosts(path: Path) -> tuple[HostEntry, ...]:
    """:func:`parse_hosts` of the file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise HostsFileError(f"{path}: cannot read the hosts file ({e})") from e
    return parse_hosts(text, str(path))


__all__ = ["HostEntry", "HostsFileError", "parse_hosts", "read_hosts"]
