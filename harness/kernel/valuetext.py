"""Values as users wrote them, the one formatter of the CLI and the report.

Jepsen's users read ``nil`` for an absent value, ``:k`` for an EDN keyword and quoted strings;
Python's ``None``, ``'k'`` or ``null`` never appear. Rules of :func:`show`:

- ``None`` -> ``nil``; ``True``/``False`` -> ``true``/``false``;
- an EDN keyword (:class:`harness.kernel.edn.Keyword`, kept by the EDN reader) -> ``:k``; a symbol
  by name;
- any other string -> double-quoted, JSON escapes;
- numbers as written (``1``, ``2.5``);
- lists and tuples -> ``[1, 2]``; sets (EDN sets read as :class:`harness.kernel.edn.SetValue`, and
  frozen
  ones) -> ``#{1, 2}`` (sorted by text, as EDN sets print);
  objects and pairs-of-tuples from frozen maps -> ``{"k": v}``;
- the model's "unknown output" -> ``?``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum

from harness.kernel.edn import Keyword, SetValue, Symbol
from harness.kernel.values import FrozenBool, FrozenKeyword, FrozenMap

ELLIPSIS = "…"


def show(value: object) -> str:
    """``value`` as a user wrote it (see the module docstring); never raises."""
    if value is None:
        return "nil"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Keyword | FrozenKeyword):
        return ":" + value
    if isinstance(value, FrozenBool):
        return "true" if value else "false"
    if isinstance(value, FrozenMap):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value) + "}"
    if isinstance(value, Symbol):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, SetValue):
        return "#{" + ", ".join(sorted(show(v) for v in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, frozenset | set):
        return "#{" + ", ".join(sorted(show(v) for v in value)) + "}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Enum):  # e.g. the linearizability models' UNKNOWN output
        return "?" if value.name == "UNKNOWN" else show(value.value)
    return str(value)


def show_key(key: object) -> str:
    """A key or element name: a plain string bare (``x``), anything else by :func:`show`."""
    if isinstance(key, str) and not isinstance(key, Keyword | Symbol | FrozenKeyword):
        return key
    return show(key)


def show_short(value: object, limit: int = 100) -> str:
    """:func:`show`, cut to at most ``limit`` characters (the last one an ellipsis)."""
    text = show(value)
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


__all__ = ["show", "show_key", "show_short"]
