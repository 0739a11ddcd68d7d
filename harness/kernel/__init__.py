"""The kernel: what a test is and how it executes. Imports only the standard library, numpy,
orjson, msgspec and itself (never ``checkers``, ``workloads``, ``targets``, ``nemesis``,
``reports`` or :mod:`harness.shell`; tests/harness/kernel/test_layering.py checks). Which module
holds which concept:

Events and histories
    ``ops`` the history's unit (:class:`Op`, :class:`OpType`); ``history`` a history and its
    pairing into operations; ``jsontypes`` the JSON value type; ``values`` when two values are
    the same; ``valuetext`` values as users wrote them; ``intranges`` the compact set encoding;
    ``independent`` ``[key value]`` histories split by key; ``frame`` histories as pandas frames;
    ``bulk`` building millions of records fast.
History files
    ``jsonl`` the ``history.jsonl`` reader and writer; ``historylog`` the interpreter's writer;
    ``edn`` an EDN reader; ``jepsen_ops`` Jepsen op maps; ``jepsen_files`` Jepsen's history
    files; ``historyio`` reading any format, finding histories in folders.
The test and its extension points
    ``config`` the typed test configuration (:class:`TestConfig`); ``option_reader`` ``K=V``
    options into typed values; ``errors`` errors a user can act on; ``protocols`` Client, DB,
    Nemesis, Checker and the optional abilities; ``verdict`` a checker's answer; ``nodes`` what
    every node runtime offers; ``context`` the :class:`RunContext` handed to clients, DBs and
    nemeses; ``clock`` injected clocks.
Execution
    ``generators`` immutable generators and their combinators; ``interpreter`` runs a generator
    with one worker per process plus the nemesis and records the history; ``workers`` the
    interpreter's worker threads and what each does with an invocation.
"""
