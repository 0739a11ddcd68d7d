"""The docker runtime's options (``--runtime-opt``; ``--docker-image``, ``--adopt``,
``--adopt-names`` set them), checked without touching the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.kernel.config import TestConfig
from harness.kernel.nodes import RuntimeOptionError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, kw_only=True, slots=True)
class DockerOptions:
    image: str | None = None
    adopt_label: tuple[str, str] | None = None
    adopt_names: tuple[str, ...] = ()

    @property
    def adopting(self) -> bool:
        return self.adopt_label is not None or bool(self.adopt_names)


def parse(test: TestConfig) -> DockerOptions:
    """The options of ``test``; :class:`RuntimeOptionError` (exit 254) naming the bad one."""
    image = test.runtime_option("image")
    adopt = test.runtime_option("adopt")
    names_text = test.runtime_option("adopt-names")
    if image is not None and not image.strip():
        raise RuntimeOptionError("--docker-image: give an image name")
    label: tuple[str, str] | None = None
    if adopt is not None:
        key, sep, value = adopt.partition("=")
        if not sep or not key.strip():
            raise RuntimeOptionError(
                f"--adopt: expected LABEL=VALUE (e.g. com.docker.compose.project=myapp), got "
                f"{adopt!r}")
        label = (key.strip(), value.strip())
    names: tuple[str, ...] = ()
    if names_text is not None:
        names = tuple(n.strip() for n in names_text.split(",") if n.strip())
        bad = [n for n in names if not NAME.match(n)]
        if not names or bad:
            raise RuntimeOptionError(
                f"--adopt-names: expected container names a,b,c, got {names_text!r}")
        if len(set(names)) != len(names):
            raise RuntimeOptionError(f"--adopt-names names a container twice: {names_text!r}")
    if label is not None and names:
        raise RuntimeOptionError("give --adopt or --adopt-names, not both")
    if image is not None and (label is not None or names):
        raise RuntimeOptionError(
            "--docker-image does not go with --adopt: adopted containers keep their own image")
    return DockerOptions(image=image, adopt_label=label, adopt_names=names)


def validate(test: TestConfig) -> None:
    parse(test)


__all__ = ["DockerOptions", "parse", "validate"]
