"""Checks shared by the docker integration tests."""

from __future__ import annotations

import subprocess

import docker

from harness.shell.runtime.docker._engine import LABEL_RUN


def default_routes(pid: int) -> str:
    """The default routes inside the network namespace of ``pid`` (empty: none)."""
    out = []
    for family in ("-4", "-6"):
        proc = subprocess.run(["nsenter", f"--target={pid}", "--net", "--", "ip", family,
                               "route", "show", "default"], capture_output=True, text=True,
                              check=False)
        out.append(proc.stdout.strip())
    return "\n".join(o for o in out if o)


def run_containers(engine: docker.DockerClient, run_id: str) -> list[str]:
    return sorted(str(c.name) for c in engine.containers.list(
        all=True, filters={"label": f"{LABEL_RUN}={run_id}"}))


def run_networks(engine: docker.DockerClient, run_id: str) -> list[str]:
    return sorted(str(n.name) for n in engine.networks.list(
        filters={"label": f"{LABEL_RUN}={run_id}"}))
