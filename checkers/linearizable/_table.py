"""Integer-encoded model states and a transition table filled on demand.

The search touches only integers: operation classes (distinct ``(input, output)`` pairs of one
sub-history) and state ids (distinct model states, interned). ``rows[s][c]`` is the id of the
state after applying class ``c`` to state ``s``, ``ILLEGAL`` if the model rejects it, ``UNSET`` if
not computed yet. :meth:`Transitions.enumerate` computes the whole reachable table up front (used
by the pruning analysis); otherwise entries are computed the first time the search needs them.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from checkers.linearizable._model import Input, Model, Output

ILLEGAL = -1
UNSET = -2
DENSE_WIDTH = 256
"""Up to this many classes, a state's row is a list; beyond, a dict holding computed entries
only (a register with unique values has as many states as classes: dense rows would be
quadratic)."""


class SparseRow(dict[int, int]):
    """A row that stores only computed entries; the others read as ``UNSET``."""

    def __missing__(self, cls: int) -> int:
        return UNSET


class ModelError(Exception):
    """The model raised on an operation: the input does not fit the model."""

    def __init__(self, input: Input, output: Output, cause: Exception, cls: int = -1) -> None:
        self.input = input
        self.output = output
        self.cause = cause
        self.cls = cls
        """The operation class the model rejected (-1 for ``init``)."""
        super().__init__(f"{input.f} {input.value!r} -> {output!r}: {cause}")


class Transitions:
    """States interned to ids, and the (lazily filled) table ``rows[state][class]``."""

    def __init__(self, model: Model[Hashable], classes: Sequence[tuple[Input, Output]]) -> None:
        self.model = model
        self.classes = list(classes)
        try:
            init = model.init()
        except Exception as e:  # a user model's bug must not crash the check
            raise ModelError(Input(f="init"), None, e) from e
        self.states: list[Hashable] = [init]
        self.ids: dict[Hashable, int] = {init: 0}
        self.rows: list[list[int] | SparseRow] = [self._row()]

    def _row(self) -> list[int] | SparseRow:
        width = len(self.classes)
        return [UNSET] * width if width <= DENSE_WIDTH else SparseRow()

    def compute(self, state: int, cls: int) -> int:
        """Fill and return ``rows[state][cls]``."""
        input, output = self.classes[cls]
        try:
            legal, after = self.model.step(self.states[state], input, output)
        except Exception as e:  # a user model's bug must not crash the check
            raise ModelError(input, output, e, cls) from e
        if not legal:
            target = ILLEGAL
        else:
            target = self.ids.get(after, -1)
            if target < 0:
                target = len(self.states)
                self.states.append(after)
                self.ids[after] = target
                self.rows.append(self._row())
        self.rows[state][cls] = target
        return target

    def enumerate(self, max_steps: int, max_states: int) -> bool:
        """Compute every entry for every reachable state; False (leaving the table partly filled)
        if that needs more than ``max_steps`` model steps or finds more than ``max_states``."""
        width = len(self.classes)
        state = 0
        while state < len(self.states):
            if (state + 1) * width > max_steps or len(self.states) > max_states:
                return False
            row = self.rows[state]
            for cls in range(width):
                if row[cls] == UNSET:
                    self.compute(state, cls)
            state += 1
        return True


__all__ = ["ILLEGAL", "UNSET", "ModelError", "SparseRow", "Transitions"]
