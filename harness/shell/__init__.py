"""The shell: how a run meets the world, around :mod:`harness.kernel`. Which module holds which
concept:

The command line
    ``commands`` one module per CLI verb (run, check, analyze, report, serve, gate, cleanup,
    list, nemeses); the entry point itself is :mod:`harness.cli`.
A run
    ``run_options`` the options of ``splitbrain run`` into a :class:`TestConfig`; ``run`` the run
    lifecycle (store, nodes, DB, clients and nemesis, interpreter, analysis); ``analysis``
    judging a history into ``results.json``; ``run_results`` ``results.json`` read back as one
    typed record; ``store`` one directory per run; ``fault_reach``
    whether the time limit lets every requested fault kind apply; ``progress`` the live progress
    line; ``primaries`` who was primary when; ``signals`` SIGINT/SIGTERM as one exception.
Nodes
    ``runtime`` the node runtimes (netns, docker, ssh, static), their registry, run-state files
    and cleanup; ``faketime`` processes under libfaketime; ``keepalive`` a kept-alive HTTP
    connection to a node.
Around runs
    ``plugins`` targets, workloads and nemeses from installed packages; ``catalog`` what is
    installed (``splitbrain list``); ``gate`` the CI regression gate; ``testing`` a test run
    from Python and judged (what :mod:`harness.pytest_plugin` is made of).
"""
