"""Per-run Redis and Sentinel configuration files (Sentinel rewrites its own: never reuse one)."""

from __future__ import annotations

from pathlib import Path

SERVICE = "mymaster"


def redis_conf(*, ip: str, port: int, data_dir: Path, primary: tuple[str, int] | None) -> str:
    lines = [
        f"bind {ip}",
        f"port {port}",
        "protected-mode no",
        'save ""',
        "appendonly no",
        f"dir {data_dir}",
        'logfile ""',
        "repl-diskless-sync yes",
        "repl-diskless-sync-delay 0",
    ]
    if primary is not None:
        lines.append(f"replicaof {primary[0]} {primary[1]}")
    return "\n".join(lines) + "\n"


def sentinel_conf(*, ip: str, port: int, data_dir: Path, primary: tuple[str, int], quorum: int,
                  down_after_ms: int, failover_timeout_ms: int) -> str:
    lines = [
        f"bind {ip}",
        f"port {port}",
        "protected-mode no",
        f"dir {data_dir}",
        'logfile ""',
        f"sentinel monitor {SERVICE} {primary[0]} {primary[1]} {quorum}",
        f"sentinel down-after-milliseconds {SERVICE} {down_after_ms}",
        f"sentinel failover-timeout {SERVICE} {failover_timeout_ms}",
        f"sentinel parallel-syncs {SERVICE} 1",
    ]
    return "\n".join(lines) + "\n"


__all__ = ["SERVICE", "redis_conf", "sentinel_conf"]
