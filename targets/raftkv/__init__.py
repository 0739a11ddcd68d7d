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
    clock ``time.time()``; the lease end only moves forward. Once the leader's clock is set
    back by X seconds it holds its lease for about X seconds whatever happens, so if it is
    partitioned away meanwhile it keeps serving reads after the majority elected a new leader
    and accepted writes: stale reads under clock skew + partition.
``unsynced-writes``
    The log (with term and vote) is kept in a user-space buffer and written and synced only
    every 2 s (or past 1 MiB); writes are acknowledged before they are on disk. A kill -9 of
    the nodes holding a fresh write loses it: reads afterwards return older values (lost
    updates). Killing all nodes shows it reliably; after a majority kill the live minority
    usually still holds the write in memory and wins the election.
``ack-before-commit``
    The leader acknowledges a put or delete as soon as the entry is on its own disk, before a
    majority has it (cas still waits for the commit, which decides its result). A leader that is
    partitioned away or killed before replicating loses writes it acknowledged; the new
    leader's log overwrites them: lost acknowledged writes / stale reads afterwards.
"""

__all__: list[str] = []
