"""Building millions of records fast: a positional constructor for frozen, slotted dataclasses,
and the cyclic garbage collector paused meanwhile (a 1M-operation history has 2M
:class:`~harness.kernel.ops.Op` and 1M :class:`~harness.kernel.history.Operation`).

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` with keyword
arguments, about 2.5 µs for a 9-field record; setting the slots through their member
descriptors from one generated function takes about 1 µs. The constructor does no checking and
runs no ``__post_init__``: callers pass every field, in field order, already validated.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def positional_constructor(cls: type[T]) -> Callable[..., T]:
    """``make(field1, field2, ...)`` building a ``cls`` with exactly those field values.

    ``cls`` must be a dataclass with ``slots=True``; raises :class:`TypeError` otherwise.
    """
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slotted dataclass")
    names = [f.name for f in dataclasses.fields(cls)]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for name in names:
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__
    body = "".join(f"    _set_{name}(o, {name})\n" for name in names)
    source = f"def make({', '.join(names)}):\n    o = _new(_cls)\n{body}    return o\n"
    exec(source, namespace)  # generated from the dataclass's own field names
    make: Callable[..., T] = namespace["make"]
    return make


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for the block.

    Allocating millions of objects that all stay alive triggers full collections that walk
    every one of them again (quadratic work); records of a history hold no reference cycles, so
    the collector has nothing to find there.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


__all__ = ["gc_paused", "positional_constructor"]
