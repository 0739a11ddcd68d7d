"""What the docker runtime checks before a run creates anything: an engine answers (else exit
255), the image exists or is built now, adopted containers exist (else exit 254)."""

from __future__ import annotations

import dataclasses
import shutil

import docker.errors

from harness.kernel.config import TestConfig
from harness.kernel.nodes import RuntimeOptionError, RuntimeUnavailableError
from harness.shell.runtime.docker._engine import connect
from harness.shell.runtime.docker._image import ensure_image
from harness.shell.runtime.docker._options import parse


def preflight(test: TestConfig) -> TestConfig:
    options = parse(test)
    if shutil.which("nsenter") is None:
        raise RuntimeUnavailableError(
            "the docker runtime needs nsenter (util-linux) on this machine")
    client = connect()
    try:
        if options.adopting:
            from harness.shell.runtime.docker._adopt import find_containers

            found = find_containers(client, options, faults=test.nemesis)
            return dataclasses.replace(test, nodes=tuple(c.node for c in found))
        if options.image is not None:
            try:
                client.images.get(options.image)
            except docker.errors.ImageNotFound:
                raise RuntimeOptionError(
                    f"--docker-image {options.image}: the engine has no such image (no registry "
                    "is used: build or load it first, or leave the option out to use the node "
                    "image Splitbrain builds)") from None
        else:
            ensure_image(client)
        return test
    finally:
        client.close()


__all__ = ["preflight"]
