"""Removing what dead docker runs left: by the ``splitbrain.run`` label, nothing else."""

from __future__ import annotations

import docker
import docker.errors

from harness.kernel.nodes import RuntimeUnavailableError
from harness.shell.runtime import runstate
from harness.shell.runtime.docker._engine import LABEL_CONTROLLER, LABEL_RUN, connect
from harness.shell.runtime.docker._runtime import remove_run
from harness.shell.runtime.netns import kill_recorded
from harness.shell.runtime.registry import SweepResult
from harness.shell.runtime.runstate import RunState


def cleanup_state(state: RunState) -> list[str]:
    """Kill the run's host processes (the packet delayer), then remove its labelled containers
    and network from the engine it used."""
    removed = kill_recorded(state)
    engine = state.details.get("engine")
    client = connect(engine if isinstance(engine, str) else None)
    try:
        removed += remove_run(client, state.run_id)
    finally:
        client.close()
    return removed


def controller_dead(label: str | None) -> bool:
    """Whether the controller named by a ``splitbrain.controller=<pid>:<start>`` label is gone
    (a malformed or missing label counts as alive: we never remove what we cannot tell)."""
    if not label or ":" not in label:
        return False
    pid_text, start_text = label.split(":", 1)
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    now = runstate.process_start_time(pid)
    return now is None or str(now) != start_text


def sweep(only: str | None = None) -> list[SweepResult]:
    """Remove the containers and networks of runs whose controller is dead, found by our label
    (only run ``only``'s when given); none when no engine answers: nothing of ours to sweep."""
    try:
        client = connect()
    except RuntimeUnavailableError:
        return []
    try:
        dead: set[str] = set()
        for container in client.containers.list(all=True, filters={"label": LABEL_RUN}):
            run_id = container.labels.get(LABEL_RUN)
            if run_id and controller_dead(container.labels.get(LABEL_CONTROLLER)):
                dead.add(run_id)
        for network in client.networks.list(filters={"label": LABEL_RUN}):
            labels = network.attrs.get("Labels") or {}
            run_id = labels.get(LABEL_RUN)
            if run_id and controller_dead(labels.get(LABEL_CONTROLLER)):
                dead.add(run_id)
        results = []
        for run_id in sorted(dead):
            if only is not None and run_id != only:
                continue
            removed = remove_run(client, run_id)
            if removed:
                results.append(SweepResult(run_id=run_id, removed=tuple(removed)))
        return results
    except docker.errors.DockerException as e:
        raise RuntimeError(f"docker: {e}") from None
    finally:
        client.close()


__all__ = ["cleanup_state", "controller_dead", "sweep"]
