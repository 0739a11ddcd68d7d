"""The controller's Python code, shipped to hosts as one zip file on ``PYTHONPATH``.

A Python target started with the controller's interpreter (``sys.executable``) runs on a host
with the host's ``python3`` and this zip first on ``PYTHONPATH``: the project's own packages, pure
Python, imported by ``zipimport``. Nothing else is installed on the host.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import zipfile
from pathlib import Path

PACKAGES = ("harness", "targets", "nemesis", "workloads", "checkers")
"""Top-level packages shipped (``reports`` is only needed by the controller)."""

ZIP_NAME = "splitbrain-code.zip"


@functools.cache
def code_zip() -> bytes:
    """The zip's bytes (built once per controller process)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for package in PACKAGES:
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                continue
            root = Path(next(iter(spec.submodule_search_locations)))
            for path in sorted(root.rglob("*.py")):
                if "__pycache__" in path.parts:
                    continue
                arcname = f"{package}/{path.relative_to(root).as_posix()}"
                zf.writestr(zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0)),
                            path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


__all__ = ["PACKAGES", "ZIP_NAME", "code_zip"]
