"""Command-line configuration of one Raft KV node."""

from __future__ import annotations

import argparse
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class BugMode(StrEnum):
    """Deliberate bugs (off by default); README.md describes the anomaly each one causes."""

    STALE_READS = "stale-reads"
    LEASE_READS = "lease-reads"
    UNSYNCED_WRITES = "unsynced-writes"
    ACK_BEFORE_COMMIT = "ack-before-commit"
    TXN_READS_OUTSIDE_LOG = "txn-reads-outside-log"


class ConfigError(ValueError):
    """The command line does not describe a usable node."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PeerAddress:
    node_id: str
    host: str
    port: int


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeConfig:
    node_id: str
    host: str
    client_port: int
    peer_port: int
    peers: tuple[PeerAddress, ...]
    data_dir: Path
    election_timeout_ms: int = 300
    heartbeat_ms: int = 50
    tick_ms: int = 10
    snapshot_every: int = 10_000
    request_timeout_ms: int = 1500
    bug: BugMode | None = None
    seed: int | None = None

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(p.node_id for p in self.peers)


DESCRIPTION = """\
One node of the bundled Raft key-value store. Clients speak HTTP/JSON on --host:--client-port
(GET/PUT/DELETE /kv/KEY, POST /kv/KEY/cas, GET /status); peers speak length-prefixed JSON over
TCP on --host:--peer-port. Restarting with the same arguments and data directory recovers the
node from disk. Logs go to stderr."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m targets.raftkv", description=DESCRIPTION)
    p.add_argument("--id", required=True, help="this node's id; must appear in --peers")
    p.add_argument("--host", required=True, help="IP address to listen on (client and peer)")
    p.add_argument("--client-port", type=int, required=True, help="port of the HTTP client API")
    p.add_argument("--peer-port", type=int, required=True, help="port for Raft peer traffic")
    p.add_argument(
        "--peers",
        required=True,
        help="every member, this node included: ID=HOST:PEERPORT,ID=HOST:PEERPORT,...",
    )
    p.add_argument(
        "--data-dir", type=Path, required=True, help="directory for the log and snapshots"
    )
    p.add_argument(
        "--election-timeout-ms",
        type=int,
        default=300,
        help="minimum election timeout; each wait is random in [T, 2T) (default 300)",
    )
    p.add_argument(
        "--heartbeat-ms", type=int, default=50, help="leader heartbeat interval (default 50)"
    )
    p.add_argument(
        "--tick-ms", type=int, default=10, help="resolution of the Raft timers (default 10)"
    )
    p.add_argument(
        "--snapshot-every",
        type=int,
        default=10_000,
        help="take a snapshot and compact the log every N applied entries (default 10000)",
    )
    p.add_argument(
        "--request-timeout-ms",
        type=int,
        default=1500,
        help="how long a client request may wait for commit before 504 (default 1500)",
    )
    p.add_argument(
        "--bug",
        choices=[b.value for b in BugMode],
        default=None,
        help="enable a deliberate bug (see targets/raftkv/README.md); default: none",
    )
    p.add_argument("--seed", type=int, default=None, help="seed of the election-timeout RNG")
    return p


def parse_peers(text: str) -> tuple[PeerAddress, ...]:
    peers: list[PeerAddress] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        node_id, eq, address = item.partition("=")
        host, colon, port_text = address.rpartition(":")
        if not eq or not colon or not node_id or not host:
            raise ConfigError(f"--peers: {item!r} is not ID=HOST:PORT")
        try:
            port = int(port_text)
        except ValueError:
            raise ConfigError(f"--peers: bad port in {item!r}") from None
        _check_port(f"--peers {node_id}", port)
        _check_host(f"--peers {node_id}", host)
        if any(p.node_id == node_id for p in peers):
            raise ConfigError(f"--peers: {node_id} appears twice")
        peers.append(PeerAddress(node_id=node_id, host=host, port=port))
    if not peers:
        raise ConfigError("--peers: no members given")
    return tuple(peers)


def _check_port(what: str, port: int) -> None:
    if not 1 <= port <= 65535:
        raise ConfigError(f"{what}: port {port} is not in 1..65535")


def _check_host(what: str, host: str) -> None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ConfigError(f"{what}: {host!r} is not an IP address") from None


def config_from_args(argv: Sequence[str]) -> NodeConfig:
    """Parse ``argv``; argparse exits 2 on syntax errors, ConfigError for semantic ones."""
    ns = build_parser().parse_args(list(argv))
    _check_host("--host", ns.host)
    _check_port("--client-port", ns.client_port)
    _check_port("--peer-port", ns.peer_port)
    if ns.client_port == ns.peer_port:
        raise ConfigError("--client-port and --peer-port must differ")
    peers = parse_peers(ns.peers)
    me = next((p for p in peers if p.node_id == ns.id), None)
    if me is None:
        raise ConfigError(
            f"--id {ns.id} is not among --peers ({', '.join(p.node_id for p in peers)})"
        )
    if me.port != ns.peer_port:
        raise ConfigError(
            f"--peers gives {ns.id} peer port {me.port} but --peer-port is {ns.peer_port}"
        )
    if ns.tick_ms < 1:
        raise ConfigError("--tick-ms must be at least 1")
    if ns.heartbeat_ms < ns.tick_ms:
        raise ConfigError("--heartbeat-ms must be at least --tick-ms")
    if ns.election_timeout_ms < 2 * ns.heartbeat_ms:
        raise ConfigError("--election-timeout-ms must be at least twice --heartbeat-ms")
    if ns.snapshot_every < 1:
        raise ConfigError("--snapshot-every must be at least 1")
    if ns.request_timeout_ms < 1:
        raise ConfigError("--request-timeout-ms must be positive")
    if ns.data_dir.exists() and not ns.data_dir.is_dir():
        raise ConfigError(f"--data-dir {ns.data_dir} exists and is not a directory")
    return NodeConfig(
        node_id=ns.id,
        host=ns.host,
        client_port=ns.client_port,
        peer_port=ns.peer_port,
        peers=peers,
        data_dir=ns.data_dir,
        election_timeout_ms=ns.election_timeout_ms,
        heartbeat_ms=ns.heartbeat_ms,
        tick_ms=ns.tick_ms,
        snapshot_every=ns.snapshot_every,
        request_timeout_ms=ns.request_timeout_ms,
        bug=BugMode(ns.bug) if ns.bug else None,
        seed=ns.seed,
    )
