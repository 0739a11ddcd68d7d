"""The module names from before the split into :mod:`harness.kernel` and :mod:`harness.shell`
(e.g. ``harness.ops``, ``harness.protocols``, ``harness.faketime``, ``harness.testing``,
``harness.runtime.base``), kept importable for plugins and notebooks written against them.

An old name imports the module at its new place and binds the same module object under the old
name (one module, one set of classes: ``harness.ops.Op is harness.kernel.ops.Op``), with a
:class:`DeprecationWarning` naming the new place. Installed first on :data:`sys.meta_path` by
``harness/__init__.py``, so an old name never loads a second copy of a module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from pathlib import Path
from types import ModuleType

_HERE = Path(__file__).resolve().parent
_LAYERS = ("kernel", "shell")
_RENAMED = {"harness.runtime.base": "harness.kernel.nodes"}
"""Modules that moved under another name, not just into a layer."""


def new_name(old: str) -> str | None:
    """The current name of the pre-split module ``old`` (``"harness.ops"`` ->
    ``"harness.kernel.ops"``), or ``None`` if ``old`` is not such a name."""
    if old in _RENAMED:
        return _RENAMED[old]
    parts = old.split(".")
    if len(parts) < 2 or parts[0] != "harness" or parts[1] in (*_LAYERS, "cli", "pytest_plugin"):
        return None
    for layer in _LAYERS:
        place = _HERE / layer / parts[1]
        if place.with_suffix(".py").is_file() or (place / "__init__.py").is_file():
            return ".".join(["harness", layer, *parts[1:]])
    return None


class MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Loads an old ``harness.X`` name as the module now at ``harness.{kernel,shell}.X``."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(self, fullname: str, path: object = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        new = new_name(fullname)
        if new is None or importlib.util.find_spec(new) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=False)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = new_name(spec.name)
        assert new is not None  # find_spec said so
        warnings.warn(f"{spec.name} moved to {new}; import it from there (the old name goes "
                      f"away in a later release)", DeprecationWarning, stacklevel=2)
        module = importlib.import_module(new)
        self._specs[new] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system has just set module.__spec__ to the old name's spec: put the
        # module's own back (pickle, reload and inspect read it). module.__name__ is the new name.
        if module.__name__ in self._specs:
            module.__spec__ = self._specs[module.__name__]


def install() -> None:
    """Put the finder first on :data:`sys.meta_path` (once)."""
    if not any(isinstance(f, MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, MovedModuleFinder())


__all__ = ["MovedModuleFinder", "install", "new_name"]
