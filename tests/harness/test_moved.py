"""Pre-split module names (harness.ops, harness.protocols, ...) still import: harness/_moved.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from harness._moved import new_name

CODE = """
import json, pickle, sys, warnings
warnings.simplefilter("error")  # the first import under an old name must warn, and only that
try:
    import harness.ops
except DeprecationWarning as w:
    first = str(w)
warnings.simplefilter("ignore")
import harness.ops, harness.kernel.ops
from harness.protocols import Client, DB
from harness import testing
import harness.runtime.base, harness.runtime.docker
import harness.kernel.nodes, harness.kernel.protocols, harness.shell.testing
import harness.shell.runtime.docker
try:
    import harness.no_such_module
    missing = "imported"
except ModuleNotFoundError as e:
    missing = e.name
print(json.dumps({
    "first": first,
    "same_ops": harness.ops is harness.kernel.ops,
    "same_class": Client is harness.kernel.protocols.Client,
    "same_testing": testing is harness.shell.testing,
    "base": harness.runtime.base is harness.kernel.nodes,
    "docker": harness.runtime.docker is harness.shell.runtime.docker,
    "copies": sorted(m for m in sys.modules if m.startswith("harness.")
                     and sys.modules[m].__name__ != m and m not in (
                         "harness.ops", "harness.protocols", "harness.testing",
                         "harness.runtime", "harness.runtime.base", "harness.runtime.docker")),
    "spec": harness.kernel.ops.__spec__.name,
    "pickled": pickle.loads(pickle.dumps(harness.ops.OpType.OK)) is harness.kernel.ops.OpType.OK,
    "missing": missing,
}))
"""


def test_old_names_are_the_modules_at_their_new_places() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    assert got.pop("first") == ("harness.ops moved to harness.kernel.ops; import it from there "
                                "(the old name goes away in a later release)")
    assert got == {"same_ops": True, "same_class": True, "same_testing": True, "base": True,
                   "docker": True, "copies": [], "spec": "harness.kernel.ops", "pickled": True,
                   "missing": "harness.no_such_module"}


@pytest.mark.parametrize(("old", "new"), [
    ("harness.ops", "harness.kernel.ops"),
    ("harness.generators", "harness.kernel.generators"),
    ("harness.faketime", "harness.shell.faketime"),
    ("harness.gate._suite", "harness.shell.gate._suite"),
    ("harness.runtime.base", "harness.kernel.nodes"),
    ("harness.kernel.ops", None),
    ("harness.shell.run", None),
    ("harness.cli", None),
    ("harness", None),
    ("harnessx.ops", None),
    ("harness.no_such_module", None),
])
def test_new_name(old: str, new: str | None) -> None:
    assert new_name(old) == new
