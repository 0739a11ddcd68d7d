"""Finding the Docker engine, and the labels on everything the harness creates.

The engine is the one at ``DOCKER_HOST``, else the default socket, else the private engine that
``scripts/docker-engine`` (run by ``scripts/setup``) starts at :data:`PRIVATE_SOCKET`. It must be
on this machine: the harness enters containers' network namespaces with ``nsenter`` by PID.
"""

from __future__ import annotations

import os
from pathlib import Path

import docker
import docker.errors
import requests.exceptions

from harness.kernel.nodes import RuntimeUnavailableError

DEFAULT_SOCKET = Path("/var/run/docker.sock")
PRIVATE_SOCKET = Path(os.environ.get("SPLITBRAIN_DOCKER_SOCKET",
                                     "/run/splitbrain-docker/docker.sock"))

LABEL_RUN = "splitbrain.run"
"""``splitbrain.run=<run id>`` on every container, network and image the harness creates."""
LABEL_NODE = "splitbrain.node"
LABEL_CONTROLLER = "splitbrain.controller"
"""``<pid>:<kernel start time>`` of the controller, so cleanup can tell dead runs from live ones
even without their run-state file."""
LABEL_RECIPE = "splitbrain.recipe"

HOW_TO_GET_ONE = (
    "start one: scripts/setup installs Debian's docker.io and starts a private engine "
    f"(scripts/docker-engine; socket {PRIVATE_SOCKET}, found without DOCKER_HOST), or run "
    "dockerd yourself and set DOCKER_HOST=unix:///path/to/docker.sock"
)


def engine_url() -> str:
    """The engine's URL: ``DOCKER_HOST``, else the default socket, else the private one."""
    url = os.environ.get("DOCKER_HOST")
    if url:
        return url
    if DEFAULT_SOCKET.exists() or not PRIVATE_SOCKET.exists():
        return f"unix://{DEFAULT_SOCKET}"
    return f"unix://{PRIVATE_SOCKET}"


def connect(url: str | None = None, *, timeout: float = 120.0) -> docker.DockerClient:
    """A client of the engine at ``url`` (default :func:`engine_url`) that answered a ping.

    Raises :class:`RuntimeUnavailableError` (exit 255) saying how to get an engine.
    """
    where = url or engine_url()
    if not where.startswith("unix://"):
        raise RuntimeUnavailableError(
            f"the docker runtime needs an engine on this machine (it enters containers' network "
            f"namespaces with nsenter), but DOCKER_HOST is {where!r}; use a unix:// socket")
    socket_path = Path(where.removeprefix("unix://"))
    if not socket_path.exists():
        raise RuntimeUnavailableError(
            f"no Docker engine answers at {where} (no such socket); {HOW_TO_GET_ONE}")
    client: docker.DockerClient | None = None
    try:
        client = docker.DockerClient(base_url=where, timeout=int(timeout))
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as e:
        if client is not None:
            client.close()
        raise RuntimeUnavailableError(
            f"no Docker engine answers at {where} ({_short(e)}); {HOW_TO_GET_ONE}") from None
    return client


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:200] if text else type(e).__name__


__all__ = [
    "DEFAULT_SOCKET",
    "HOW_TO_GET_ONE",
    "LABEL_CONTROLLER",
    "LABEL_NODE",
    "LABEL_RECIPE",
    "LABEL_RUN",
    "PRIVATE_SOCKET",
    "connect",
    "engine_url",
]
