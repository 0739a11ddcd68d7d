"""The bundled Raft key-value store: Splitbrain's default target.

Run a node with ``python -m targets.raftkv --help``. Public pieces: :mod:`targets.raftkv.client`
(``RaftKVClient``, ``Unavailable``, ``Indeterminate``) and :mod:`targets.raftkv.local`
(``LocalCluster``, ``server_argv``). The Raft core (``_core``) is a pure state machine driven by
the asyncio shell (``_node``); see README.md in this directory.

Deliberate bug modes (``--bug NAME``, off by default) and the anomaly each must produce:

``stale-reads``
    Every node answers GET from its own applied state, without forwarding to the leader or
    confirming leadership. Under a partition, nodes cut off from the majority (including an old
    leader) keep serving values that the majority has since overwritten: a linearizability
    violation (stale read) in register/CAS workloads.
``lease-reads``
    The leader answers GET at once while it holds a lease of 0.8 x election timeout, and the
    lease (and the leader's check that a majority still follows it) is timed with the wall
    clock ``time.time()``. A leader whose clock is set back (or slowed) while it is partitioned
    away keeps its lease, so it keeps serving reads after the majority elected a new leader and
    accepted writes: stale reads under clock skew + partition.
``unsynced-writes``
    The log is kept in a user-space buffer and written and synced only every 2 s (or past
    1 MiB); writes are acknowledged before they are on disk. A kill -9 of a majority loses
    acknowledged writes: reads afterwards return older values (lost updates).
``ack-before-commit``
    The leader acknowledges a put or delete as soon as the entry is on its own disk, before a
    majority has it (cas still waits for the commit, which decides its result). A leader that is
    partitioned away or killed before replicating loses writes it acknowledged; the new
    leader's log overwrites them: lost acknowledged writes / stale reads afterwards.
"""

__all__: list[str] = []
