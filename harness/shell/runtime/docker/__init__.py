"""The docker runtime: nodes are containers on a per-run internal network (Docker SDK), or a
user's running containers (``--adopt``).

Modules: :mod:`._engine` (finding the engine, labels), :mod:`._image` (the node image),
:mod:`._runtime` (containers the harness creates), :mod:`._adopt` (a user's containers),
:mod:`._cleanup` (removing a dead run's containers by label). Imported lazily by
:mod:`harness.shell.runtime.specs`: the SDK is only loaded when the docker runtime is used.
"""
