"""A small EDN reader, enough for Jepsen histories.

Supports nil, booleans, Clojure's number literals (decimal, hex ``0x1F``, octal ``017``, radix
``2r101``, the ``N`` (big integer) and ``M`` (big decimal) suffixes, ratios, ``##Inf``,
``##-Inf``, ``##NaN``), strings, characters, keywords, symbols, lists, vectors, maps, sets,
``;`` comments, ``#_`` discard and tagged literals (``#inst "…"``, ``#uuid "…"``,
``#jepsen.history.Op{…}``: the tag is dropped). Keywords and symbols are returned as
:class:`Keyword` / :class:`Symbol` (``str`` subclasses) so that callers can tell them from strings;
:func:`to_json` turns any parsed value into JSON, keeping keywords as :class:`Keyword` (still a
``str``) so that the history model can keep ``:a`` and ``"a"`` apart (``harness.kernel.values``). A
``BigDecimal`` (``M``) becomes a float and a ratio a float, as Jepsen's JSON export does.
Every syntax error names the line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from harness.kernel.errors import HistoryFormatError
from harness.kernel.jsontypes import JSON


class Keyword(str):
    """An EDN keyword, without its colon (``:read`` -> ``Keyword("read")``)."""

    __slots__ = ()


class Symbol(str):
    """An EDN symbol."""

    __slots__ = ()


class SetValue(list[JSON]):
    """An EDN set as a history value: a JSON list of its elements (JSON has no sets; sorted when
    they can be), which :mod:`harness.kernel.values` keeps apart from lists: ``#{1 2}`` is never
    ``[1 2]``, and equals ``#{2 1}``."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class EdnMap:
    """A parsed EDN map, keeping its insertion order and its source line."""

    items: tuple[tuple[object, object], ...]
    line: int

    def get(self, key: object, default: object = None) -> object:
        for k, v in self.items:
            if k == key:
                return v
        return default

    def keys(self) -> list[object]:
        return [k for k, _ in self.items]


@dataclass(frozen=True, slots=True)
class EdnSet:
    """A parsed EDN set (elements kept in source order)."""

    items: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Tagged:
    """A tagged literal whose tag was kept (only for ``#inst`` and ``#uuid``)."""

    tag: str
    value: object


_TOKEN = re.compile(
    r"""
    (?P<ws>[\s,]+)
  | (?P<comment>;[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<open>\#\{|[(\[{])
  | (?P<close>[)\]}])
  | (?P<discard>\#_)
  | (?P<symbolic>\#\#(?:Inf|-Inf|NaN)\b)
  | (?P<tag>\#[A-Za-z][^\s,;()\[\]{}"]*)
  | (?P<char>\\(?:newline|space|tab|return|formfeed|backspace|u[0-9a-fA-F]{4}|.))
  | (?P<atom>[^\s,;()\[\]{}"\\\#][^\s,;()\[\]{}"]*)
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_INT = re.compile(r"[+-]?(?:0|[1-9]\d*)N?")
_HEX = re.compile(r"([+-]?)0[xX]([0-9a-fA-F]+)N?")
_OCTAL = re.compile(r"([+-]?)0([0-7]+)N?")
_RADIX = re.compile(r"([+-]?)(\d{1,2})[rR]([0-9a-zA-Z]+)")
_FLOAT = re.compile(r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?M?")
_RATIO = re.compile(r"[+-]?\d+/\d+")
_SYMBOLIC = {"##Inf": float("inf"), "##-Inf": float("-inf"), "##NaN": float("nan")}
_CHARS = {"newline": "\n", "space": " ", "tab": "\t", "return": "\r", "formfeed": "\f",
          "backspace": "\b"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "b": "\b", "f": "\f"}
_CLOSERS = {"(": ")", "[": "]", "{": "}", "#{": "}"}
_STRING_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


def _unescape(body: str) -> str:
    def sub(m: re.Match[str]) -> str:
        e = m.group(1)
        if e.startswith("u") and len(e) == 5:
            return chr(int(e[1:], 16))
        if e in _ESCAPES:
            return _ESCAPES[e]
        raise ValueError(f"unknown string escape \\{e}")

    return _STRING_ESCAPE.sub(sub, body)


def _integer(s: str) -> int | None:
    """A hex, octal or radix integer literal (``0x1F``, ``017``, ``36rZZ``), else None."""
    m = _HEX.fullmatch(s)
    if m is not None:
        return int(m.group(1) + m.group(2), 16)
    m = _OCTAL.fullmatch(s)
    if m is not None:
        return int(m.group(1) + m.group(2), 8)
    m = _RADIX.fullmatch(s)
    if m is not None and 2 <= int(m.group(2)) <= 36:
        try:
            return int(m.group(1) + m.group(3), int(m.group(2)))
        except ValueError:
            return None
    return None


class EdnList(list[object]):
    """A parsed EDN vector or list, remembering the line it starts on."""

    __slots__ = ("line",)

    def __init__(self, items: list[object], line: int) -> None:
        super().__init__(items)
        self.line = line


class _Parser:
    def __init__(self, text: str, file: str | None) -> None:
        self.text = text
        self.file = file
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.tokens: Iterator[re.Match[str]] = _TOKEN.finditer(text)
        self.peeked: re.Match[str] | None = None

    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self.newlines, pos - 1) + 1

    def error(self, pos: int, message: str) -> HistoryFormatError:
        return HistoryFormatError(message, file=self.file, line=self.line_at(pos))

    def next(self) -> re.Match[str] | None:
        if self.peeked is not None:
            tok, self.peeked = self.peeked, None
            return tok
        for tok in self.tokens:
            if tok.lastgroup not in ("ws", "comment"):
                return tok
        return None

    def peek(self) -> re.Match[str] | None:
        if self.peeked is None:
            self.peeked = self.next()
        return self.peeked

    def form(self, tok: re.Match[str]) -> object:
        kind, s, pos = tok.lastgroup, tok.group(), tok.start()
        if kind == "atom":
            return self.atom(s, pos)
        if kind == "string":
            try:
                return _unescape(s[1:-1])
            except ValueError as e:
                raise self.error(pos, str(e)) from None
        if kind == "open":
            return self.collection(s, pos)
        if kind == "char":
            name = s[1:]
            if name in _CHARS:
                return _CHARS[name]
            return chr(int(name[1:], 16)) if len(name) == 5 and name[0] == "u" else name
        if kind == "symbolic":
            return _SYMBOLIC[s]
        if kind == "discard":
            self.required(pos, "a form after #_")
            return self.form(self.required(pos, "a form"))
        if kind == "tag":
            inner = self.form(self.required(pos, f"a form after tag {s}"))
            return Tagged(s[1:], inner) if s in ("#inst", "#uuid") else inner
        if kind == "close":
            raise self.error(pos, f"unexpected {s!r}")
        if s == '"':
            raise self.error(pos, "unterminated string")
        raise self.error(pos, f"unexpected character {s!r}")

    def required(self, pos: int, what: str) -> re.Match[str]:
        tok = self.next()
        if tok is None:
            raise self.error(pos, f"end of file while expecting {what}")
        return tok

    def atom(self, s: str, pos: int) -> object:
        if s == "nil":
            return None
        if s == "true":
            return True
        if s == "false":
            return False
        if s.startswith(":"):
            if len(s) == 1:
                raise self.error(pos, "empty keyword ':'")
            return Keyword(s[1:])
        c = s[0]
        if c.isdigit() or (c in "+-" and len(s) > 1 and s[1].isdigit()):
            if _INT.fullmatch(s):
                return int(s.rstrip("N"))
            number = _integer(s)
            if number is not None:
                return number
            if _FLOAT.fullmatch(s):
                return float(s.rstrip("M"))
            if _RATIO.fullmatch(s):
                return float(Fraction(s))
            raise self.error(pos, f"malformed number {s!r}")
        return Symbol(s)

    def collection(self, opener: str, pos: int) -> object:
        closer = _CLOSERS[opener]
        items: list[object] = []
        while True:
            tok = self.next()
            if tok is None:
                raise self.error(pos, f"{opener!r} opened here is never closed")
            if tok.lastgroup == "close":
                if tok.group() != closer:
                    raise self.error(
                        tok.start(),
                        f"{tok.group()!r} closes {opener!r} opened on line {self.line_at(pos)}",
                    )
                break
            if tok.lastgroup == "discard":
                self.form(self.required(tok.start(), "a form after #_"))
                continue
            items.append(self.form(tok))
        if opener == "{":
            if len(items) % 2:
                raise self.error(pos, "map literal has an odd number of forms")
            return EdnMap(tuple(zip(items[::2], items[1::2], strict=True)), self.line_at(pos))
        if opener == "#{":
            return EdnSet(tuple(items))
        return EdnList(items, self.line_at(pos))

    def top_level(self) -> Iterator[tuple[int, object]]:
        while (tok := self.next()) is not None:
            if tok.lastgroup == "discard":
                self.form(self.required(tok.start(), "a form after #_"))
                continue
            yield self.line_at(tok.start()), self.form(tok)


def parse_all(text: str, *, file: str | None = None) -> list[tuple[int, object]]:
    """Every top-level form with the line it starts on."""
    return list(_Parser(text, file).top_level())


def parse_prefix(text: str) -> tuple[object, str]:
    """The first form of ``text`` and the text after it (for log lines)."""
    parser = _Parser(text, None)
    tok = parser.next()
    if tok is None:
        raise ValueError("no value")
    value = parser.form(tok)
    nxt = parser.peek()
    rest = text[nxt.start():] if nxt is not None else ""
    return value, rest.strip()


def to_json(value: object) -> JSON:
    """JSON for any parsed EDN value: keywords stay :class:`Keyword` (a ``str``: shown as ``:k``,
    and kept apart from strings by ``harness.kernel.values``), symbols become plain strings, sets
    become a :class:`SetValue` (a list, sorted when its elements can be), tags are dropped."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Keyword):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, EdnMap):
        return {str(key_text(k)): to_json(v) for k, v in value.items}
    if isinstance(value, EdnSet):
        items = [to_json(v) for v in value.items]
        try:
            return SetValue(sorted(items))  # type: ignore[type-var]
        except TypeError:
            return SetValue(items)
    if isinstance(value, Tagged):
        return to_json(value.value)
    raise TypeError(f"not an EDN value: {type(value).__name__}")


def key_text(value: object) -> str:
    """A map key as text: keywords and strings by name, anything else as EDN."""
    if isinstance(value, str):
        return str(value)
    return to_edn(value)


def to_edn(value: object) -> str:
    """Render a parsed value back as compact EDN (used for error texts)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Keyword):
        return ":" + value
    if isinstance(value, Symbol):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + " ".join(to_edn(v) for v in value) + "]"
    if isinstance(value, EdnMap):
        return "{" + ", ".join(f"{to_edn(k)} {to_edn(v)}" for k, v in value.items) + "}"
    if isinstance(value, EdnSet):
        return "#{" + " ".join(to_edn(v) for v in value.items) + "}"
    if isinstance(value, Tagged):
        return f"#{value.tag} {to_edn(value.value)}"
    return repr(value)


__all__ = [
    "EdnList", "EdnMap", "EdnSet", "Keyword", "SetValue", "Symbol", "Tagged", "key_text",
    "parse_all", "parse_prefix", "to_edn", "to_json",
]
