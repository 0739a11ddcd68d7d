"""Why an operation could not be linearized next, in the language of the field.

A counterexample (``_explain.py``) says *that* an operation is illegal after a partial
linearization; this module says *why*, in the words of the model's data type, naming the
operations that conflict with it (process, history index, times):

- register / cas-register: the value the read returned, the value the register held at that point
  (the value the model allowed), the last write before it, and the operation(s) that wrote the value
  read (and when it was overwritten, or that it was written only after the read completed);
  a cas: the expected value that failed and the value held;
- fifo-queue: the element dequeued against the head of the queue (or an empty queue);
- set: the elements a read is missing or has extra, and who added them;
- kv: the string a get returned against the one held, and the last put/append;
- mutex: who held (or released) the lock;
- multi-register: the first key a transaction read differently from the value held;
- any other model: the operation, the state (``describe_state``) and the last operation before it.

The sentence is computed once, when the checker explains a failure, and stored in the result
(``StuckOperation.explanation``): ``splitbrain check`` and the HTML report both print it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from checkers.linearizable._model import UNKNOWN, Frozen, Input, Model, Output, freeze
from checkers.linearizable._subhistory import class_of
from checkers.micro_ops import MicroF, micro_f
from checkers.phrases import call_text, interval, named, short
from harness.kernel.history import Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType
from harness.kernel.values import FrozenSetValue
from harness.kernel.valuetext import show, show_key

MAX_NAMED = 2
"""Operations named per value (e.g. the writers of the value read)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Story:
    """The explanation of one stuck operation: ``text`` (one or two sentences) and ``related``,
    the sub-history positions of the operations it names (the ones it conflicts with)."""

    text: str
    related: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Scene:
    """What the narrator sees: the sub-history's ``operations``, the positions of the partial
    linearization in order (``linearized``), the model ``state`` after it (``None`` with
    ``has_state=False`` when the operation is illegal in every reachable state), and the position
    of the ``stuck`` operation."""

    model: Model[Hashable]
    operations: Sequence[Operation]
    linearized: Sequence[int]
    state: Hashable
    has_state: bool
    stuck: int

    @property
    def op(self) -> Operation:
        return self.operations[self.stuck]

    history_index: Sequence[int] = ()
    """The history index of each operation's invocation (empty: its position ``call``)."""

    def io(self, position: int) -> tuple[Input, Output]:
        return class_of(self.operations[position])

    def index(self, position: int) -> int:
        """The history index of the operation at ``position`` (as Jepsen numbers events)."""
        if position < len(self.history_index):
            return self.history_index[position]
        return self.operations[position].call

    def name(self, position: int) -> str:
        """:func:`checkers.phrases.named`, with the operation's history index."""
        return named(self.operations[position], index=self.index(position))

    def short(self, position: int) -> str:
        """:func:`checkers.phrases.short`, with the operation's history index."""
        return short(self.operations[position], index=self.index(position))


def _replay(scene: Scene) -> list[tuple[int, Hashable, Hashable]]:
    """(position, state before, state after) along the partial linearization."""
    out = []
    state: Hashable = scene.model.init()
    for position in scene.linearized:
        input, output = scene.io(position)
        try:
            _, after = scene.model.step(state, input, output)
        except Exception:  # a model error here must not lose the verdict
            break
        out.append((position, state, after))
        state = after
    return out


def _last_change(scene: Scene, writes: Callable[[Operation], bool] | None = None) -> int | None:
    """The last operation of the partial linearization that wrote (or changed the state)."""
    for position, before, after in reversed(_replay(scene)):
        op = scene.operations[position]
        if (writes(op) if writes is not None else before != after):
            return position
    return None


def _last_before(scene: Scene) -> str:
    if not scene.linearized:
        return "it would have to be the first operation"
    return f"the last operation before it was {named(scene.operations[scene.linearized[-1]])}"


def _is_write(op: Operation) -> bool:
    return op.f == "write" or (op.f == "cas" and op.type is not OpType.FAIL)


def _written(op: Operation) -> Frozen | None:
    if op.f == "write":
        return _frozen(op.value)
    if op.f == "cas" and isinstance(op.value, list) and len(op.value) == 2:
        return _frozen(op.value[1])
    return None


def _frozen(value: JSON) -> Frozen:
    return freeze(value)


def _writers(scene: Scene, value: Frozen, writes: Callable[[Operation], Frozen | None],
             is_write: Callable[[Operation], bool]) -> list[int]:
    return [i for i, op in enumerate(scene.operations)
            if is_write(op) and op.type is not OpType.FAIL and writes(op) == value]


@dataclass(frozen=True, kw_only=True, slots=True)
class _Words:
    """How a data type names its values and its writes."""

    noun: str  # "value", "element"
    wrote: str  # "wrote", "enqueued", "added"
    written: str  # "written", "enqueued", "added"


_REGISTER = _Words(noun="value", wrote="wrote", written="written")
_QUEUE = _Words(noun="element", wrote="enqueued", written="enqueued")
_SET = _Words(noun="element", wrote="added", written="added")


def _value_story(scene: Scene, value: Frozen, words: _Words, *,
                 writes: Callable[[Operation], Frozen | None],
                 is_write: Callable[[Operation], bool],
                 known: Sequence[int] = ()) -> tuple[str, list[int]]:
    """Who wrote ``value``: 'The value 2 was written by ... and overwritten 2 ms later by ...'.
    Operations at positions in ``known`` were already named in the sentence (named shortly)."""
    op = scene.op
    writers = _writers(scene, value, writes, is_write)
    if not writers:
        if value is None or value == scene.model.init():
            return f"The initial {words.noun} is {show(value)}", []
        return f"No operation {words.wrote} {show(value)}", []
    shown = writers[:MAX_NAMED]
    named_ops = list(shown)
    parts = []
    order = list(scene.linearized)
    rank = {p: r for r, p in enumerate(order)}
    for w in shown:
        wop = scene.operations[w]
        text = f"The {words.noun} {show(value)} was {words.written} by {scene.name(w)}"
        if op.ret_time is not None and wop.call_time > op.ret_time:
            text += f", invoked {interval(wop.call_time - op.ret_time)} after this " \
                    f"{op.f} completed"
        elif w in rank:
            later = [p for p in order[rank[w] + 1:] if is_write(scene.operations[p])]
            if later:
                over = scene.operations[later[0]]
                done = wop.ret_time if wop.ret_time is not None else wop.call_time
                end = over.ret_time if over.ret_time is not None else over.call_time
                gap = f" {interval(end - done)} later" if end >= done else ""
                who = scene.short(later[0]) if later[0] in known else scene.name(later[0])
                named_ops.append(later[0])
                text += f" and overwritten{gap} by {who}"
        parts.append(text)
    if len(writers) > len(shown):
        parts.append(f"{len(writers) - len(shown)} more operations {words.wrote} it")
    return "; ".join(parts), named_ops


def _register(scene: Scene) -> Story | None:
    op = scene.op
    input, output = scene.io(scene.stuck)
    held = scene.state
    related: list[int] = []
    last = _last_change(scene, _is_write) if scene.has_state else None
    if last is not None:
        related.append(last)
        before = f": the last write before it was {scene.name(last)}"
    elif scene.has_state:
        before = " (no write was linearized before it)"
    else:
        before = ""
    if op.f == "read" and output is not UNKNOWN:
        head = f"read returned {show(output)}"
        if scene.has_state:
            head += f", but the register held {show(held)} at that point{before}"
        story, writers = _value_story(scene, output, _REGISTER, writes=_written,
                                      is_write=_is_write, known=related)
        return Story(text=f"{head}. {story}.", related=tuple(related + writers))
    if op.f == "cas" and isinstance(input.value, tuple) and len(input.value) == 2:
        expected, new = input.value
        head = f"cas expected {show(expected)} (to set {show(new)})"
        if scene.has_state:
            head += f", but the register held {show(held)}{before}"
        story, writers = _value_story(scene, expected, _REGISTER, writes=_written,
                                      is_write=_is_write, known=related)
        return Story(text=f"{head}. {story}.", related=tuple(related + writers))
    return None


def _enqueued(op: Operation) -> Frozen | None:
    return _frozen(op.value) if op.f == "enqueue" else None


def _is_enqueue(op: Operation) -> bool:
    return op.f == "enqueue"


def _queue(scene: Scene) -> Story | None:
    op = scene.op
    _, output = scene.io(scene.stuck)
    if op.f != "dequeue" or output is UNKNOWN:
        return None
    queue = scene.state if isinstance(scene.state, tuple) else ()
    related: list[int] = []
    if output is None:
        if not scene.has_state:
            return Story(text="dequeue found the queue empty, but it never could be")
        head = queue[0] if queue else None
        story, who = _value_story(scene, head, _QUEUE, writes=_enqueued, is_write=_is_enqueue)
        text = (f"dequeue found the queue empty, but it held {show(queue)} at that point. "
                f"{story}.")
        return Story(text=text, related=tuple(who))
    story, who = _value_story(scene, output, _QUEUE, writes=_enqueued, is_write=_is_enqueue)
    related.extend(who)
    if not scene.has_state:
        return Story(text=f"dequeue returned {show(output)}. {story}.",
                     related=tuple(related))
    if not queue:
        head = f"dequeue returned {show(output)}, but the queue was empty at that point"
    else:
        head = f"dequeue returned {show(output)}, but the head of the queue was {show(queue[0])}"
        heads = _writers(scene, queue[0], _enqueued, _is_enqueue)[:1]
        if heads:
            head += f", enqueued by {named(scene.operations[heads[0]])}"
            related.extend(heads)
    return Story(text=f"{head}. {story}.", related=tuple(related))


def _added(op: Operation) -> Frozen | None:
    return _frozen(op.value) if op.f == "add" else None


def _is_add(op: Operation) -> bool:
    return op.f == "add"


def _set(scene: Scene) -> Story | None:
    op = scene.op
    _, output = scene.io(scene.stuck)
    if op.f != "read" or not isinstance(output, tuple | FrozenSetValue):
        return None
    got = frozenset(output)
    held = scene.state if isinstance(scene.state, frozenset) else frozenset()
    missing = sorted(held - got, key=show) if scene.has_state else []
    extra = sorted(got - held, key=show) if scene.has_state else sorted(got, key=show)
    parts: list[str] = []
    related: list[int] = []
    linearized = set(scene.linearized)
    for element in missing[:MAX_NAMED]:
        adds = [i for i in _writers(scene, element, _added, _is_add) if i in linearized][:1]
        by = f" (added by {named(scene.operations[adds[0]])})" if adds else ""
        parts.append(f"it is missing {show(element)}{by}")
        related.extend(adds)
    for element in extra[:MAX_NAMED]:
        story, who = _value_story(scene, element, _SET, writes=_added, is_write=_is_add)
        parts.append(f"it has {show(element)} extra ({story[:1].lower()}{story[1:]})")
        related.extend(who)
    hidden = len(missing) + len(extra) - min(len(missing), MAX_NAMED) - min(len(extra), MAX_NAMED)
    if hidden > 0:
        parts.append(f"{hidden} more elements differ")
    if not parts:
        return None
    held_text = f" The set held {show(held)} at that point." if scene.has_state else ""
    return Story(text=f"read returned {show(got)}: {'; '.join(parts)}.{held_text}",
                 related=tuple(related))


def _kv(scene: Scene) -> Story | None:
    op = scene.op
    _, output = scene.io(scene.stuck)
    if op.f != "get" or output is UNKNOWN or not scene.has_state:
        return None
    last = _last_change(scene, lambda o: o.f in ("put", "append"))
    got = "" if output is None else output
    head = f"get returned {show(got)}, but the key held {show(scene.state)} at that point"
    if last is None:
        return Story(text=f"{head} (no put or append was linearized before it).")
    return Story(text=f"{head}: the last put or append before it was "
                      f"{scene.name(last)}.", related=(last,))


def _mutex(scene: Scene) -> Story | None:
    op = scene.op
    if op.f not in ("acquire", "release") or not scene.has_state:
        return None
    last = _last_change(scene, lambda o: o.f in ("acquire", "release"))
    by = f" by {scene.name(last)}" if last is not None else ""
    related = (last,) if last is not None else ()
    if op.f == "acquire":
        return Story(text=f"acquire succeeded, but the lock was held at that point: it was "
                          f"acquired{by} and not released since.", related=related)
    if last is None:
        return Story(text="release succeeded, but the lock was never acquired before it.")
    return Story(text=f"release succeeded, but the lock was free at that point: it was "
                      f"released{by}.", related=related)


def _multi_register(scene: Scene) -> Story | None:
    op = scene.op
    _, output = scene.io(scene.stuck)
    if op.f != "txn" or not isinstance(output, tuple) or not scene.has_state:
        return None
    held = dict(scene.state) if isinstance(scene.state, tuple) else {}
    default = scene.model.init()
    for micro in output:
        if not (isinstance(micro, tuple) and len(micro) == 3):
            continue
        f, key, value = micro
        if micro_f(f) is MicroF.WRITE:
            held[key] = value
            continue
        now = held.get(key, None if default == () else default)
        if value is not None and value != now:
            def writes_key(o: Operation, key: Frozen = key) -> bool:
                v = _frozen(o.value)
                return isinstance(v, tuple) and any(
                    isinstance(m, tuple) and len(m) == 3
                    and micro_f(m[0]) is MicroF.WRITE and m[1] == key
                    for m in v)

            last = _last_change(scene, writes_key)
            text = (f"txn read {show_key(key)} = {show(value)}, but {show_key(key)} held "
                    f"{show(now)} at that point")
            if last is not None:
                text += f": the last write of {show_key(key)} before it was " \
                        f"{scene.name(last)}"
                return Story(text=text + ".", related=(last,))
            return Story(text=text + ".")
    return None


NARRATORS: dict[str, Callable[[Scene], Story | None]] = {
    "register": _register,
    "cas-register": _register,
    "fifo-queue": _queue,
    "set": _set,
    "kv": _kv,
    "mutex": _mutex,
    "multi-register": _multi_register,
}
"""The narrator of each built-in model family (``knossos-`` variants share their family's)."""


def _generic(scene: Scene) -> Story:
    input, output = scene.io(scene.stuck)
    try:
        what = scene.model.describe_operation(input, output)
    except Exception:  # a user's describe function must not lose the verdict
        what = call_text(scene.op)
    if not scene.has_state:
        return Story(text=f"{what} is not allowed in any state the model can reach.")
    try:
        state = scene.model.describe_state(scene.state)
    except Exception:
        state = show(scene.state)
    last = scene.linearized[-1:] if scene.linearized else []
    return Story(text=f"{what} is not allowed when the state is {state}; {_last_before(scene)}.",
                 related=tuple(last))


def dead_end(scene: Scene, next_state: str) -> Story:
    """The explanation of a candidate that was legal but led nowhere."""
    return Story(text=f"{call_text(scene.op)} of process {scene.op.process} could come next (the "
                      f"state would then be {next_state}), but no order of the remaining "
                      "operations follows it.")


def narrate(scene: Scene) -> Story:
    """The explanation of why ``scene.stuck`` is illegal after the partial linearization."""
    family = scene.model.name.removeprefix("knossos-")
    narrator = NARRATORS.get(family)
    if narrator is not None:
        try:
            story = narrator(scene)
        except Exception:  # an explanation must never lose the verdict
            story = None
        if story is not None:
            return story
    return _generic(scene)


__all__ = ["NARRATORS", "Scene", "Story", "dead_end", "narrate"]
