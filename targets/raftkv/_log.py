"""The in-memory Raft log: entries after the last snapshot, indexed from 1."""

from __future__ import annotations

from collections.abc import Iterable

from targets.raftkv._messages import Entry


class RaftLog:
    """Entries ``snapshot_index + 1 .. last_index``; everything up to ``snapshot_index`` is
    compacted into a snapshot whose last entry had ``snapshot_term``."""

    __slots__ = ("_entries", "snapshot_index", "snapshot_term")

    def __init__(
        self, *, snapshot_index: int = 0, snapshot_term: int = 0, entries: Iterable[Entry] = ()
    ) -> None:
        self.snapshot_index = snapshot_index
        self.snapshot_term = snapshot_term
        self._entries: list[Entry] = []
        for entry in entries:
            self.append(entry)

    @property
    def last_index(self) -> int:
        return self.snapshot_index + len(self._entries)

    @property
    def last_term(self) -> int:
        return self._entries[-1].term if self._entries else self.snapshot_term

    def term_at(self, index: int) -> int | None:
        """The term of the entry at ``index``; None if compacted away or beyond the end."""
        if index == self.snapshot_index:
            return self.snapshot_term
        if index < self.snapshot_index or index > self.last_index:
            return None
        return self._entries[index - self.snapshot_index - 1].term

    def entry(self, index: int) -> Entry:
        return self._entries[index - self.snapshot_index - 1]

    def slice(self, lo: int, hi: int) -> list[Entry]:
        """Entries ``lo .. hi - 1`` (``lo`` must be above the snapshot)."""
        base = self.snapshot_index + 1
        return self._entries[lo - base : hi - base]

    def first_index_of_term(self, index: int) -> int:
        """The first index of the run of entries having the same term as ``index``."""
        term = self.term_at(index)
        while index - 1 > self.snapshot_index and self.term_at(index - 1) == term:
            index -= 1
        return index

    def last_index_of_term(self, term: int) -> int | None:
        """The last index holding an entry of ``term``, if the log has one."""
        for entry in reversed(self._entries):
            if entry.term == term:
                return entry.index
            if entry.term < term:
                return None
        return None

    def append(self, entry: Entry) -> None:
        if entry.index != self.last_index + 1:
            raise ValueError(f"log gap: appending {entry.index} after {self.last_index}")
        self._entries.append(entry)

    def truncate_from(self, index: int) -> None:
        """Discard entries ``index ..``."""
        del self._entries[max(0, index - self.snapshot_index - 1) :]

    def compact(self, index: int, term: int) -> None:
        """Drop entries up to ``index``; keep the rest only if they extend ``(index, term)``."""
        if self.term_at(index) == term:
            del self._entries[: index - self.snapshot_index]
        else:
            self._entries = []
        self.snapshot_index = index
        self.snapshot_term = term
