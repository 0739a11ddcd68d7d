"""When two history values are the same value: the one rule every model and checker follows.

Values in a history are compared as Jepsen (Clojure) and JSON compare them, never as Python does:
**values of different types are different values**. ``1`` and ``true``, ``42`` and ``42.0``, the
keyword ``:a`` and the string ``"a"``, a list and a map are never equal, however Python's ``==``
would answer (``1 == True`` and ``42 == 42.0`` are true in Python). Within one type, equality is
the usual one: integers by value, floats by value (``0.0`` equals ``-0.0``; NaN equals nothing),
strings and keywords by their text, lists element by element in order, sets (EDN ``#{...}``,
read as :class:`harness.kernel.edn.SetValue`) by their elements in any order, maps by their entries
in any order; a set is never equal to a list, whatever their elements (``#{1 2}`` is not ``[1 2]``).
A client that returns the wrong type is exactly the kind of bug a test must catch.

:func:`freeze` turns a history value (JSON, plus EDN keywords as
:class:`harness.kernel.edn.Keyword`) into a hashable value that obeys this rule under ``==`` and
``hash``: booleans, floats, keywords, sets and maps become the small types below; integers, strings
and ``None`` stay as they are; lists become tuples. :func:`thaw` is its inverse. Models receive
frozen values, so a model that compares with ``==`` or keeps values in sets and dicts follows the
rule without knowing it.

Sources: Clojure's ``=`` (``clojure.lang.Util.equiv``: numbers of different categories are not
equal, keywords are not strings); RFC 8259 (JSON's value types are disjoint).
"""

from __future__ import annotations

from typing import TypeAlias

from harness.kernel.edn import Keyword, SetValue
from harness.kernel.jsontypes import JSON


class FrozenBool(int):
    """``true`` or ``false``: equal only to a :class:`FrozenBool` of the same truth."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is FrozenBool and int(self) == int(other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("bool", int(self)))

    def __repr__(self) -> str:
        return "true" if self else "false"


class FrozenFloat(float):
    """A floating-point number: equal only to a :class:`FrozenFloat` of the same value."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is FrozenFloat and float(self) == float(other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("float", float(self)))

    def __repr__(self) -> str:
        return repr(float(self))


class FrozenKeyword(str):
    """An EDN keyword (text without the colon): equal only to a :class:`FrozenKeyword`."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is FrozenKeyword and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("keyword", str(self)))

    def __repr__(self) -> str:
        return ":" + str(self)

    @property
    def name(self) -> str:
        """The keyword's text, as a plain string."""
        return str(self)


class FrozenSetValue(frozenset):  # type: ignore[type-arg]
    """An EDN set (:class:`harness.kernel.edn.SetValue`): equal only to a :class:`FrozenSetValue`
    with the same elements, in any order; never to a list."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is FrozenSetValue and frozenset.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("set", frozenset(self)))


class FrozenMap(tuple):  # type: ignore[type-arg]
    """A JSON object: its (key, value) pairs sorted by key; equal only to a :class:`FrozenMap`."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is FrozenMap and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("map", tuple(self)))


Frozen: TypeAlias = (
    int | str | FrozenBool | FrozenFloat | FrozenKeyword | FrozenMap | FrozenSetValue
    | tuple["Frozen", ...] | None
)
"""A history value made hashable, obeying the equality rule of this module."""

TRUE = FrozenBool(1)
FALSE = FrozenBool(0)


def freeze(value: JSON) -> Frozen:
    """The hashable form of a history value (see the module's rule).

    Raises ``TypeError`` for anything that is not JSON (or an EDN keyword).
    """
    kind = type(value)
    if kind is int or kind is str or value is None:
        return value  # type: ignore[return-value]
    if kind is bool:
        return TRUE if value else FALSE
    if kind is float:
        return FrozenFloat(value)  # type: ignore[arg-type]
    if kind is Keyword:
        return FrozenKeyword(value)
    if kind is SetValue:
        return FrozenSetValue(freeze(v) for v in value)  # type: ignore[union-attr]
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return FrozenMap((str(k), freeze(v)) for k, v in sorted(value.items()))
    if isinstance(value, str):  # another str subclass (an EDN symbol): a string
        return str(value)
    if isinstance(value, int):  # an int subclass: an integer
        return int(value)
    raise TypeError(f"not a history value: {type(value).__name__}")


def thaw(value: Frozen) -> JSON:
    """The history value of a frozen one (keywords come back as :class:`Keyword`)."""
    kind = type(value)
    if kind is FrozenBool:
        return bool(value)
    if kind is FrozenFloat:
        return float(value)  # type: ignore[arg-type]
    if kind is FrozenKeyword:
        return Keyword(value)
    if kind is FrozenMap:
        assert isinstance(value, FrozenMap)
        return {str(k): thaw(v) for k, v in value}
    if kind is FrozenSetValue:
        assert isinstance(value, FrozenSetValue)
        items = [thaw(v) for v in value]
        try:
            return SetValue(sorted(items))  # type: ignore[type-var]
        except TypeError:
            return SetValue(items)
    if kind is tuple:
        return [thaw(v) for v in value]  # type: ignore[union-attr]
    return value  # type: ignore[return-value]


def same_value(a: JSON, b: JSON) -> bool:
    """Whether two history values are the same value under this module's rule."""
    return freeze(a) == freeze(b)


def name_of(value: object) -> str | None:
    """The text of a string or keyword value (``"read"`` or ``:read``), else None: for fields
    that name something (an operation, a micro-op's function) and may be spelled either way."""
    if isinstance(value, str):
        return str(value)
    return None


__all__ = [
    "FALSE",
    "TRUE",
    "Frozen",
    "FrozenBool",
    "FrozenFloat",
    "FrozenKeyword",
    "FrozenMap",
    "FrozenSetValue",
    "freeze",
    "name_of",
    "same_value",
    "thaw",
]
