"""The consistency models and anomalies, as plain data with their sources.

Each model names the models it directly implies (is stronger than) and the anomalies it directly
forbids; each anomaly names the more general anomalies it is a special case of. A model forbids an
anomaly when it, or any model it implies, forbids that anomaly or one of its generalizations.
Everything else (what a set of anomalies rules out, which models are still possible) is computed
from these tables in :mod:`checkers.consistency._answers`.

Sources (short keys used in the tables):

- ``adya``: A. Adya, "Weak Consistency: A Generalized Theory and Optimistic Implementations for
  Distributed Transactions", PhD thesis, MIT, 1999 (PL-1, PL-2, PL-2.99, PL-SI, PL-3; G0, G1a-c,
  G-single, G2-item).
- ``berenson``: H. Berenson et al., "A Critique of ANSI SQL Isolation Levels", SIGMOD 1995
  (snapshot isolation; lost update).
- ``cerone``: A. Cerone, G. Bernardi, A. Gotsman, "A Framework for Transactional Consistency
  Models with Atomic Visibility", CONCUR 2015 (SI forbids cycles without two adjacent
  anti-dependencies: G-nonadjacent; transactional causal consistency).
- ``terry``: D. Terry et al., "Session Guarantees for Weakly Consistent Replicated Data",
  PDIS 1994 (read your writes, monotonic reads, monotonic writes, writes follow reads).
- ``elle``: K. Kingsbury, P. Alvaro, "Elle: Inferring Isolation Anomalies from Experimental
  Observations", VLDB 2020 (realtime and process variants, internal, duplicate elements,
  incompatible orders, dirty update).
- ``herlihy``: M. Herlihy, J. Wing, "Linearizability: A Correctness Condition for Concurrent
  Objects", TOPLAS 1990.
- ``lamport``: L. Lamport, "How to Make a Multiprocessor Computer That Correctly Executes
  Multiprocess Programs", IEEE TC 1979 (sequential consistency).
- ``papadimitriou``: C. Papadimitriou, "The Serializability of Concurrent Database Updates",
  JACM 1979 (serializability, strict serializability).
- ``ahamad``: M. Ahamad et al., "Causal Memory: Definitions, Implementation and Programming",
  Distributed Computing 1995 (causal consistency).
- ``lipton``: R. Lipton, J. Sandberg, "PRAM: A Scalable Shared Memory", Princeton TR 1988.
- ``daudjee``: K. Daudjee, K. Salem, "Lazy Database Replication with Ordering Guarantees",
  ICDE 2004 (strong session serializability).
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCES: dict[str, str] = {
    "adya": "Adya, Weak Consistency (PhD thesis, MIT, 1999)",
    "berenson": "Berenson et al., A Critique of ANSI SQL Isolation Levels (SIGMOD 1995)",
    "cerone": "Cerone, Bernardi, Gotsman, A Framework for Transactional Consistency Models "
              "with Atomic Visibility (CONCUR 2015)",
    "terry": "Terry et al., Session Guarantees for Weakly Consistent Replicated Data (PDIS 1994)",
    "elle": "Kingsbury, Alvaro, Elle: Inferring Isolation Anomalies from Experimental "
            "Observations (VLDB 2020)",
    "herlihy": "Herlihy, Wing, Linearizability (TOPLAS 1990)",
    "lamport": "Lamport, How to Make a Multiprocessor Computer That Correctly Executes "
               "Multiprocess Programs (IEEE TC 1979)",
    "papadimitriou": "Papadimitriou, The Serializability of Concurrent Database Updates "
                     "(JACM 1979)",
    "ahamad": "Ahamad et al., Causal Memory (Distributed Computing 1995)",
    "lipton": "Lipton, Sandberg, PRAM: A Scalable Shared Memory (Princeton TR 1988)",
    "daudjee": "Daudjee, Salem, Lazy Database Replication with Ordering Guarantees (ICDE 2004)",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class ConsistencyModel:
    """One consistency model: what it directly implies and forbids, and where it is defined."""

    name: str
    implies: tuple[str, ...]
    """Weaker models this one directly implies (every history it allows, they allow)."""
    forbids: tuple[str, ...]
    """Anomalies it directly forbids (more are forbidden through ``implies``)."""
    source: str
    """A key of :data:`SOURCES`."""
    description: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Anomaly:
    """One named anomaly, spelled as Elle spells it."""

    name: str
    generalizes_to: tuple[str, ...]
    """More general anomalies this one is a special case of (a model forbidding those forbids
    it)."""
    source: str
    description: str


def _m(name: str, implies: tuple[str, ...], forbids: tuple[str, ...], source: str,
       description: str) -> ConsistencyModel:
    return ConsistencyModel(name=name, implies=implies, forbids=forbids, source=source,
                            description=description)


MODELS: dict[str, ConsistencyModel] = {m.name: m for m in (
    _m("strict-serializable", ("strong-session-serializable", "linearizable"),
       ("G2-item-realtime",), "papadimitriou",
       "serializable, in an order that respects real time"),
    _m("strong-session-serializable", ("serializable", "causal"), ("G2-item-process",),
       "daudjee", "serializable, in an order that respects each process's order"),
    _m("serializable", ("repeatable-read",), ("G2-item",), "adya",
       "equivalent to some serial order (Adya PL-3, item anomalies only)"),
    _m("snapshot-isolation", ("read-committed",), ("G-nonadjacent", "lost-update"), "cerone",
       "reads from a snapshot, first committer wins (Berenson et al.; Adya PL-SI)"),
    _m("repeatable-read", ("read-committed",), ("G2-item",), "adya",
       "no item anti-dependency cycles (Adya PL-2.99)"),
    _m("read-committed", ("read-uncommitted",),
       ("G1a", "G1b", "G1c", "dirty-update"), "adya", "no aborted, intermediate or circular "
       "reads (Adya PL-2)"),
    _m("read-uncommitted", (),
       ("G0", "internal", "duplicate-elements", "incompatible-order", "garbage-read"),
       "adya", "no write cycles (Adya PL-1); reads that contradict the data type are "
       "forbidden by every model here"),
    _m("linearizable", ("sequential",), ("nonlinearizable",), "herlihy",
       "each operation takes effect at one instant between its invocation and completion"),
    _m("sequential", ("causal",), ("nonsequential",), "lamport",
       "one total order of operations that respects each process's order"),
    _m("causal", ("PRAM", "writes-follow-reads", "read-committed"), ("G1c-process",), "ahamad",
       "reads respect causality: process order plus reads-from, transitively "
       "(transactional form: Cerone et al. 2015)"),
    _m("PRAM", ("read-your-writes", "monotonic-reads", "monotonic-writes"), (), "lipton",
       "each process's writes are seen in order by everyone"),
    _m("read-your-writes", (), ("read-your-writes-violation",), "terry",
       "a process's reads reflect its own earlier writes"),
    _m("monotonic-reads", (), ("monotonic-reads-violation",), "terry",
       "a process never reads a state older than one it has read"),
    _m("monotonic-writes", (), ("monotonic-writes-violation",), "terry",
       "a process's writes take effect in the order it issued them"),
    _m("writes-follow-reads", (), ("writes-follow-reads-violation",), "terry",
       "a write is ordered after the writes its process had read"),
)}


def _a(name: str, generalizes_to: tuple[str, ...], source: str,
       description: str) -> Anomaly:
    return Anomaly(name=name, generalizes_to=generalizes_to, source=source,
                   description=description)


def _cycle_family() -> list[Anomaly]:
    base = [
        ("G0", ("G1c",), "adya", "write cycle: a cycle of ww edges"),
        ("G1c", ("G-single",), "adya", "circular information flow: a cycle of ww and wr edges"),
        ("G-single", ("G-nonadjacent",), "adya",
         "read skew: a cycle with exactly one rw (anti-dependency) edge"),
        ("G-nonadjacent", ("G2-item",), "cerone",
         "a cycle with rw edges, no two of them adjacent"),
        ("G2-item", (), "adya", "a cycle with one or more rw edges (e.g. write skew)"),
    ]
    out: list[Anomaly] = []
    for name, gen, source, text in base:
        out.append(_a(name, (*gen, f"{name}-process"), source, text))
        out.append(_a(f"{name}-process", (*(f"{g}-process" for g in gen), f"{name}-realtime"),
                      "elle", text + ", with process-order edges"))
        out.append(_a(f"{name}-realtime", tuple(f"{g}-realtime" for g in gen), "elle",
                      text + ", with real-time edges"))
    return out


ANOMALIES: dict[str, Anomaly] = {a.name: a for a in (
    *_cycle_family(),
    _a("G1a", (), "adya", "aborted read: a committed read saw a failed transaction's write"),
    _a("G1b", (), "adya", "intermediate read: a read saw a write that its transaction later "
       "overwrote"),
    _a("dirty-update", (), "elle", "a committed write was built on a failed transaction's "
       "write"),
    _a("internal", (), "elle", "a transaction's read contradicts its own earlier reads or "
       "writes"),
    _a("future-read", ("G1c",), "elle", "a transaction read a value it wrote only later "
       "(a trivial cycle T -wr-> T; Elle files it under G1c)"),
    _a("duplicate-elements", (), "elle", "a read of a list saw an appended element twice"),
    _a("incompatible-order", (), "elle", "two reads of a list disagree on its order (neither "
       "is a prefix of the other)"),
    _a("garbage-read", (), "elle", "a read saw a value nobody wrote (Elle's README calls these "
       "garbage reads; Elle's code has no keyword for them, the name is Splitbrain's)"),
    _a("lost-update", ("G2-item",), "berenson",
       "two committed transactions read the same version of a key and both wrote it (Adya's "
       "H_lu; Elle: a special case of G2-item, forbidden by repeatable read and, through "
       "first-committer-wins, by snapshot isolation)"),
    _a("nonlinearizable", (), "herlihy", "no linearization exists"),
    _a("nonsequential", ("nonlinearizable",), "lamport",
       "no total order respecting process order exists"),
    _a("read-your-writes-violation", (), "terry", "a read missed the process's own write"),
    _a("monotonic-reads-violation", (), "terry", "a read went back to an older state"),
    _a("monotonic-writes-violation", (), "terry", "a process's writes took effect out of order"),
    _a("writes-follow-reads-violation", (), "terry",
       "a write was ordered before a write its process had already read"),
)}

__all__ = ["ANOMALIES", "MODELS", "SOURCES", "Anomaly", "ConsistencyModel"]
