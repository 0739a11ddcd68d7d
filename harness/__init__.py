"""The controller, in two layers (issue #15, "the house"):

- :mod:`harness.kernel`: what a test *is* and how it executes, with no I/O to the world beyond
  history files: ops and histories, values, the extension-point protocols, the test config,
  generators and their interpreter, the history formats. It imports nothing from ``checkers``,
  ``workloads``, ``targets``, ``nemesis``, ``reports`` or :mod:`harness.shell`.
- :mod:`harness.shell`: how a run meets the world: the CLI verbs, the run lifecycle, the store,
  node runtimes (netns, docker, ssh), plugins, the gate, the pytest API.

Two modules stay at the top because installed entry points name them: :mod:`harness.cli`
(console script ``splitbrain``) and :mod:`harness.pytest_plugin` (pytest11 ``splitbrain``).
"""

from harness._moved import install as _install_moved_names

_install_moved_names()  # old names (harness.ops, ...) still import, with a warning
