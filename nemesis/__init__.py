"""Fault injection: real partitions, process faults, clock skew and packet faults, always healed.

- :mod:`nemesis.topology` (pure): partition shapes as grudges (node -> nodes it drops from).
- :mod:`nemesis.targets` (pure): which nodes a fault hits (one, minority, majority, primaries, all).
- :mod:`nemesis.partition`, :mod:`nemesis.process`, :mod:`nemesis.clock`, :mod:`nemesis.packet`:
  the nemeses (iptables chains per run, Killable/Pausable, libfaketime, statistic/tbf/NFQUEUE).
- :mod:`nemesis.schedule`, :mod:`nemesis.options`, :mod:`nemesis.packages`: the ``--nemesis``
  packages (seeded timelines of faults, a final heal, a recovery time), registered in
  :mod:`nemesis.registry`.
- :mod:`nemesis.ledger`: what is in force, on disk, so leftovers of a crashed run can be named.
"""
