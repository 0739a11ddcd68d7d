"""What the client API hands to the Raft loop, and what it gets back."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import Enum, auto
from typing import TypeVar

from targets.raftkv._kv import Applied, Op


class Outcome(Enum):
    APPLIED = auto()
    NOT_LEADER = auto()
    LOST = auto()
    PERSISTED = auto()


@dataclass(frozen=True, kw_only=True, slots=True)
class ProposalResult:
    outcome: Outcome
    applied: Applied | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Proposal:
    """A command to append; resolved when applied (or known lost)."""

    data: str
    op: Op
    future: asyncio.Future[ProposalResult]


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadAsk:
    """A linearizable read; resolved True once it may be served, False if it cannot be."""

    ctx: int
    future: asyncio.Future[bool]


T = TypeVar("T")


def resolve(future: asyncio.Future[T], value: T) -> None:
    if not future.done():
        future.set_result(value)
