"""Fixtures of the docker runtime's integration tests: one engine client and one node image for
the whole session (built on first use, then reused by its recipe hash)."""

from __future__ import annotations

from collections.abc import Iterator

import docker
import pytest

from harness.shell.runtime.docker._engine import connect
from harness.shell.runtime.docker._image import ensure_image


@pytest.fixture(scope="session")
def engine() -> Iterator[docker.DockerClient]:
    """The engine scripts/setup started (a test fails, never skips, without one)."""
    client = connect()
    yield client
    client.close()


@pytest.fixture(scope="session")
def node_image(engine: docker.DockerClient) -> str:
    return ensure_image(engine)
