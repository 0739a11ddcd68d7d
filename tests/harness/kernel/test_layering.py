"""The kernel imports no shell and no package above it (harness/kernel/__init__.py)."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("checkers", "workloads", "targets", "nemesis", "reports", "harness.shell",
             "harness.cli", "harness.pytest_plugin", "pandas", "click", "docker", "paramiko")

CODE = """
import importlib, json, pkgutil, sys
import harness.kernel
for info in pkgutil.walk_packages(harness.kernel.__path__, "harness.kernel."):
    if info.name != "harness.kernel.frame":  # pandas, loaded only when asked for a frame
        importlib.import_module(info.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_the_kernel_imports_nothing_above_it() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert "harness.kernel.interpreter" in loaded and "harness.kernel.generators" in loaded
    above = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert above == []
