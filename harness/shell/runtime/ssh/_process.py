"""Processes on SSH hosts: own session, pid file, signals by PID, exit status through a waiter.

:func:`spawn` runs, over one SSH channel kept open for the process's life, a small shell (the
*waiter*) that starts the command with ``setsid`` (its own session, so nothing reaches it when the
channel or the controller goes away), stdout and stderr appended to its log, stdin from
``/dev/null``. The waiter writes ``PID STARTTIME`` (the kernel start time, field 22 of
``/proc/PID/stat``) to the pid file, reports them, then the exit status when the command ends; so
:meth:`RemoteProcess.alive` costs no round trip.

Signals go by PID over a separate command, and only if the PID still has the recorded start time
(a reused PID is never signalled). :func:`kill_script` does the same from pid files alone, for
``splitbrain cleanup`` after the controller died.
"""

from __future__ import annotations

import logging
import shlex
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import paramiko

from harness.shell.runtime.ssh._host import Host

log = logging.getLogger("splitbrain.ssh")

_START_TIME = "$(sed 's/.*) //' /proc/{pid}/stat | cut -d' ' -f20)"


class RemoteStartError(RuntimeError):
    """The waiter did not report a PID (the command could not be started)."""


def _signal_script(pid: int, start_time: int, sig: str) -> str:
    """Send ``sig`` to ``pid`` if it still has ``start_time``; exit 0 if signalled, 3 if gone."""
    return (
        f"[ -r /proc/{pid}/stat ] && [ \"{_START_TIME.format(pid=pid)}\" = {start_time} ] "
        f"&& kill -{sig} {pid} || exit 3"
    )


def kill_script(pid_files_glob: str) -> str:
    """SIGKILL every process named by the pid files matching the glob whose start time still
    matches; print ``killed PID NAME`` for each; delete the pid files."""
    return (
        f"for f in {pid_files_glob}; do [ -f \"$f\" ] || continue; "
        "read pid st < \"$f\" || continue; "
        "if [ -r /proc/$pid/stat ] && "
        f"[ \"{_START_TIME.format(pid='$pid')}\" = \"$st\" ]; then "
        "kill -KILL $pid && echo \"killed $pid $(basename \"$f\" .pid)\"; fi; rm -f \"$f\"; done"
    )


class RemoteProcess:
    """A process on an SSH host (see the module docstring); a :class:`ProcessHandle`."""

    def __init__(self, host: Host, name: str, pid: int, start_time: int, channel: paramiko.Channel,
                 *, log_path: Path, remote_log: str, pid_file: str, initial: bytes = b"",
                 on_exit: Callable[[RemoteProcess], None] | None = None) -> None:
        self._host = host
        self._name = name
        self._pid = pid
        self.start_time = start_time
        self._channel = channel
        self._log_path = log_path
        self.remote_log = remote_log
        self.pid_file = pid_file
        self._status: int | None = None
        self._initial = initial
        self._on_exit = on_exit
        self._fetched_at = 0.0
        self._done = threading.Event()
        self._reader = threading.Thread(target=self._read_status, daemon=True,
                                        name=f"ssh-wait-{host.node}-{name}")
        self._reader.start()

    @property
    def node(self) -> str:
        return self._host.node

    @property
    def name(self) -> str:
        return self._name

    @property
    def pid(self) -> int:
        return self._pid

    @property
    def log_path(self) -> Path:
        """The local copy of the log: fetched when the process ends, and refreshed (at most once
        a second) when asked for while it runs, so a start error can show its tail."""
        if not self._done.is_set() and time.monotonic() - self._fetched_at > 1.0:
            self.fetch_log()
        return self._log_path

    def _read_status(self) -> None:
        buffer = self._initial
        try:
            while True:
                data = self._channel.recv(4096)
                if not data:
                    break
                buffer += data
        except OSError:
            pass
        for line in buffer.decode(errors="replace").splitlines():
            if line.startswith("exit "):
                code = int(line.split()[1])
                self._status = -(code - 128) if code > 128 else code
        if self._status is None:  # the channel died: ask the host directly
            self._status = None if self._still_running() else -1
            if self._status is None:
                return  # connection lost while the process runs; alive() asks the host
        self._after_exit()
        self._done.set()
        self._channel.close()
        if self._on_exit is not None:
            self._on_exit(self)

    def _after_exit(self) -> None:
        """Fetch the final log; remove libfaketime's files of the process (if any)."""
        self.fetch_log()
        try:
            self._host.run(["rm", "-f", f"/dev/shm/faketime_shm_{self._pid}",
                            f"/dev/shm/sem.faketime_sem_{self._pid}"], timeout=10)
        except (OSError, RuntimeError) as e:
            log.debug("cannot remove libfaketime files of %r: %s", self, e)

    def _still_running(self) -> bool:
        try:
            return self._host.shell(_signal_script(self._pid, self.start_time, "0"),
                                    timeout=10).ok
        except (OSError, RuntimeError):
            return False

    def alive(self) -> bool:
        if self._done.is_set():
            return False
        if self._reader.is_alive():
            return True
        return self._still_running()

    def signal(self, sig: signal.Signals) -> None:
        if self._done.is_set():
            return
        self._host.shell(_signal_script(self._pid, self.start_time, sig.name[3:]), timeout=10)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.wait(10)

    def stop(self, timeout: float = 5.0) -> int | None:
        if not self._done.is_set():
            script = (
                _signal_script(self._pid, self.start_time, "TERM") + "; "
                + _signal_script(self._pid, self.start_time, "CONT")
            )
            self._host.shell(script, timeout=10)
        code = self.wait(timeout)
        if code is None:
            self.kill()
            code = self._status
        return code

    def pause(self) -> None:
        self.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.signal(signal.SIGCONT)

    def wait(self, timeout: float | None = None) -> int | None:
        if not self._done.wait(timeout):
            return None
        return self._status

    def fetch_log(self) -> bool:
        """Copy the remote log to :attr:`log_path`; False if it could not be read."""
        self._fetched_at = time.monotonic()
        try:
            return self._host.get(self.remote_log, self._log_path)
        except (OSError, RuntimeError) as e:
            log.warning("cannot fetch %s from %s: %s", self.remote_log, self.node, e)
            return False

    def __repr__(self) -> str:
        return f"RemoteProcess({self.node}/{self._name} pid {self._pid})"


def spawn(
    host: Host, name: str, argv: Sequence[str], *, remote_dir: str, log_path: Path,
    env: Mapping[str, str] | None = None, cwd: str | None = None, timeout: float = 15.0,
    on_exit: Callable[[RemoteProcess], None] | None = None,
) -> RemoteProcess:
    """Start ``argv`` on ``host``; its log is ``remote_dir/<log_path.name>``, its pid file
    ``remote_dir/<name>.pid``. Raises :class:`RemoteStartError` if no PID is reported."""
    remote_log = f"{remote_dir}/{log_path.name}"
    pid_file = f"{remote_dir}/{name}.pid"
    assignments = [f"{k}={v}" for k, v in (env or {}).items()]
    command = shlex.join(["env", *assignments, *argv]) if assignments else shlex.join(argv)
    waiter = (
        f"mkdir -p {shlex.quote(remote_dir)} && cd {shlex.quote(cwd or remote_dir)} || exit 1; "
        f"setsid sh -c {shlex.quote('exec ' + command)} >>{shlex.quote(remote_log)} 2>&1 "
        "</dev/null & "
        f"pid=$!; st={_START_TIME.format(pid='$pid')}; "
        f"echo \"$pid $st\" > {shlex.quote(pid_file)}; echo \"pid $pid $st\"; "
        "wait $pid; echo \"exit $?\""
    )
    channel = host.channel(host.command(["sh", "-c", waiter]))
    channel.settimeout(timeout)
    buffer = b""
    deadline = time.monotonic() + timeout
    try:
        while b"\n" not in buffer and time.monotonic() < deadline:
            data = channel.recv(4096)
            if not data:
                break
            buffer += data
    except OSError:
        pass
    first, _, _ = buffer.decode(errors="replace").partition("\n")
    fields = first.split()
    if len(fields) != 3 or fields[0] != "pid" or not fields[1].isdigit():
        err = b""
        while channel.recv_stderr_ready():
            err += channel.recv_stderr(4096)
        channel.close()
        raise RemoteStartError(
            f"{name} on {host.node}: could not start {shlex.join(argv)!r}: "
            f"{(buffer + err).decode(errors='replace').strip() or 'no answer'}"
        )
    start_time = int(fields[2]) if fields[2].isdigit() else 0
    channel.settimeout(None)
    return RemoteProcess(host, name, int(fields[1]), start_time, channel, log_path=log_path,
                         remote_log=remote_log, pid_file=pid_file,
                         initial=buffer.partition(b"\n")[2], on_exit=on_exit)


__all__ = ["RemoteProcess", "RemoteStartError", "kill_script", "spawn"]
