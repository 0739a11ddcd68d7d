"""The example plugin must be installed in the venv, as a user would install it: ``scripts/setup``
runs ``pip install ./examples/plugin-kv`` (again whenever its sources change)."""

from __future__ import annotations

import importlib.util

import pytest

if importlib.util.find_spec("splitbrain_example_kv") is None:
    raise pytest.UsageError(
        "examples/plugin-kv is not installed in this environment; run scripts/setup "
        "(it pip-installs the example plugin from its folder)"
    )
