"""Controller paths -> host paths: the run directory lives on each host under its own root.

Targets name files by controller paths (``RunContext.node_dir``); on a host, everything under the
controller's run directory is at ``<dir>/<run-id>/`` instead. :class:`PathMap` rewrites paths,
arguments, environment values and the text of files written to a host.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, kw_only=True, slots=True)
class PathMap:
    local: Path
    """The controller's run directory (as the run names it; may be relative)."""
    remote: str
    """Its place on every host (absolute)."""

    def _forms(self) -> list[str]:
        absolute = str(self.local.resolve())
        given = str(self.local)
        return [absolute] if given == absolute else [absolute, given]

    def path(self, path: Path) -> str:
        """The host path of ``path`` (unchanged when it is outside the run directory)."""
        try:
            rel = Path(os.path.abspath(path)).relative_to(self.local.resolve())
        except ValueError:
            return str(path)
        return self.remote if str(rel) == "." else f"{self.remote}/{rel.as_posix()}"

    def text(self, text: str) -> str:
        """``text`` with every occurrence of the run directory's path replaced."""
        for form in self._forms():
            text = text.replace(form, self.remote)
        return text

    def data(self, data: bytes) -> bytes:
        try:
            decoded = data.decode()
        except UnicodeDecodeError:
            return data
        return self.text(decoded).encode()


__all__ = ["PathMap"]
