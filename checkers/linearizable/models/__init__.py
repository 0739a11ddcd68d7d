"""The built-in models, by the names the CLI uses (``--model NAME``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import cast

from checkers.linearizable._model import Model
from checkers.linearizable.models.kv import kv
from checkers.linearizable.models.multi_register import multi_register
from checkers.linearizable.models.mutex import mutex
from checkers.linearizable.models.queue import fifo_queue
from checkers.linearizable.models.register import cas_register, register
from checkers.linearizable.models.set import set_model

_FACTORIES: dict[str, Callable[[], object]] = {
    "register": register,
    "cas-register": cas_register,
    "knossos-cas-register": lambda: replace(
        cas_register(init=0, nil_read_any=True), name="knossos-cas-register"
    ),
    "multi-register": multi_register,
    "knossos-multi-register": lambda: replace(
        multi_register(default=0, nil_read_any=True), name="knossos-multi-register"
    ),
    "kv": kv,
    "mutex": mutex,
    "fifo-queue": fifo_queue,
    "set": set_model,
}

MODEL_NAMES: tuple[str, ...] = tuple(_FACTORIES)
"""Every built-in model's name."""


def get_model(name: str) -> Model[Hashable]:
    """The built-in model called ``name``; a clear ``ValueError`` for an unknown name."""
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ValueError(f"unknown model {name!r}; known models: {', '.join(MODEL_NAMES)}")
    return cast(Model[Hashable], factory())


__all__ = [
    "MODEL_NAMES",
    "cas_register",
    "fifo_queue",
    "get_model",
    "kv",
    "multi_register",
    "mutex",
    "register",
    "set_model",
]
