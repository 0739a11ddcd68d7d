"""One logged-in host: commands (as root, or through ``sudo -n``), SFTP upload and download.

Commands run over their own SSH channel each (no pty): :meth:`Host.run` takes an argv, quoted with
:func:`shlex.join`, so no shell interprets it unless asked (:meth:`Host.shell`). A command that
outlives its timeout has its channel closed and is reported with return code -1, like
:meth:`NetnsRuntime.exec`.
"""

from __future__ import annotations

import shlex
import stat
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import paramiko

from harness.kernel.nodes import ExecResult
from harness.shell.runtime.ssh._connect import Endpoint, SshConnectError, SshOptions, connect


class Host:
    """A node reached over SSH; create with :meth:`open`, release with :meth:`close`."""

    def __init__(self, node: str, endpoint: Endpoint, client: paramiko.SSHClient,
                 jumps: list[paramiko.SSHClient]) -> None:
        self.node = node
        self.endpoint = endpoint
        self._client = client
        self._jumps = jumps
        self._sftp: paramiko.SFTPClient | None = None
        self._sftp_lock = threading.Lock()
        self.sudo = False
        """Prefix commands with ``sudo -n`` (set by the preflight when the user is not root)."""

    @classmethod
    def open(cls, node: str, endpoint: Endpoint, options: SshOptions,
             config: paramiko.SSHConfig) -> Host:
        client, jumps = connect(endpoint, options, config, node=node)
        return cls(node, endpoint, client, jumps)

    @property
    def transport(self) -> paramiko.Transport:
        transport = self._client.get_transport()
        if transport is None or not transport.is_active():
            raise SshConnectError(f"{self.node}: the SSH connection to "
                                  f"{self.endpoint.describe()} is closed")
        return transport

    def command(self, argv: Sequence[str]) -> str:
        """The command line sent for ``argv`` (with ``sudo -n`` when needed)."""
        line = shlex.join(argv)
        return f"sudo -n -- {line}" if self.sudo else line

    def run(self, argv: Sequence[str], *, timeout: float = 10.0, stdin: str | None = None,
            privileged: bool = True) -> ExecResult:
        """Run ``argv`` on the host and wait up to ``timeout`` seconds for it."""
        line = self.command(argv) if privileged else shlex.join(argv)
        return self._exec(line, tuple(argv), timeout=timeout, stdin=stdin)

    def shell(self, script: str, *, timeout: float = 10.0, stdin: str | None = None) -> ExecResult:
        """Run a POSIX shell ``script`` (as root, through sudo if needed)."""
        return self.run(["sh", "-c", script], timeout=timeout, stdin=stdin)

    def channel(self, line: str) -> paramiko.Channel:
        """A channel running the command line ``line`` (for long-running commands)."""
        chan = self.transport.open_session(timeout=10.0)
        chan.exec_command(line)
        return chan

    def _exec(self, line: str, argv: tuple[str, ...], *, timeout: float,
              stdin: str | None) -> ExecResult:
        deadline = time.monotonic() + timeout
        try:
            chan = self.transport.open_session(timeout=timeout)
        except (paramiko.SSHException, OSError, EOFError) as e:
            raise SshConnectError(f"{self.node}: cannot open an SSH channel: {e}") from e
        try:
            chan.exec_command(line)
            if stdin is not None:
                chan.sendall(stdin.encode())
            chan.shutdown_write()
            out = _read_all(chan, deadline, stderr=False)
            err = _read_all(chan, deadline, stderr=True)
            while not chan.exit_status_ready():
                if time.monotonic() > deadline:
                    raise TimeoutError
                time.sleep(0.002)
            code = chan.recv_exit_status()
            return ExecResult(argv=argv, returncode=code, stdout=out.decode(errors="replace"),
                              stderr=err.decode(errors="replace"))
        except TimeoutError:
            return ExecResult(argv=argv, returncode=-1, stdout="",
                              stderr=f"timed out after {timeout:g} s (over SSH)")
        finally:
            chan.close()

    # --- files -----------------------------------------------------------------------------

    def sftp(self) -> paramiko.SFTPClient:
        with self._sftp_lock:
            if self._sftp is None:
                self._sftp = self._client.open_sftp()
            return self._sftp

    def put(self, local: Path, remote: str, mode: int | None = None) -> None:
        """Upload ``local`` to the path ``remote`` on the host (its directory must exist)."""
        sftp = self.sftp()
        with self._sftp_lock:
            sftp.put(str(local), remote)
            if mode is not None:
                sftp.chmod(remote, mode)

    def write_bytes(self, remote: str, data: bytes) -> None:
        """Atomically replace the file ``remote`` with ``data`` (write, then rename)."""
        sftp = self.sftp()
        tmp = f"{remote}.tmp"
        with self._sftp_lock:
            with sftp.open(tmp, "wb") as f:
                f.write(data)
            sftp.posix_rename(tmp, remote)

    def read_bytes(self, remote: str) -> bytes:
        """The content of ``remote``; raises ``FileNotFoundError`` (or ``OSError``)."""
        sftp = self.sftp()
        with self._sftp_lock, sftp.open(remote, "rb") as f:
            return f.read()

    def makedirs(self, remote: str) -> None:
        """``mkdir -p`` over SFTP (as the login user)."""
        sftp = self.sftp()
        with self._sftp_lock:
            path = ""
            for part in remote.strip("/").split("/"):
                path += "/" + part
                try:
                    sftp.stat(path)
                except FileNotFoundError:
                    sftp.mkdir(path)

    def get(self, remote: str, local: Path) -> bool:
        """Download ``remote`` to ``local``; False if it does not exist there."""
        sftp = self.sftp()
        local.parent.mkdir(parents=True, exist_ok=True)
        with self._sftp_lock:
            try:
                if not stat.S_ISREG(sftp.stat(remote).st_mode or 0):
                    return False
                sftp.get(remote, str(local))
            except FileNotFoundError:
                return False
        return True

    def listdir(self, remote: str) -> list[str]:
        sftp = self.sftp()
        with self._sftp_lock:
            try:
                return sorted(sftp.listdir(remote))
            except FileNotFoundError:
                return []

    def close(self) -> None:
        with self._sftp_lock:
            if self._sftp is not None:
                self._sftp.close()
                self._sftp = None
        self._client.close()
        for jump in reversed(self._jumps):
            jump.close()


def _read_all(chan: paramiko.Channel, deadline: float, *, stderr: bool) -> bytes:
    chunks: list[bytes] = []
    recv = chan.recv_stderr if stderr else chan.recv
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        chan.settimeout(remaining)
        data = recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


__all__ = ["Host"]
