"""Test hosts for the ssh runtime: one sshd per network namespace, acting as a real host.

Each host is a namespace on a bridge of its own (a unique name and /24 per cluster, so parallel
clusters never collide), with an sshd listening on the host's address. sshd runs under
``unshare --mount --uts``: the host has its own hostname, an empty root ``.bashrc`` (Debian's costs
~150 ms per command) and a private tmpfs at :data:`PRIVATE_DIR`, so files the runtime puts there are
only reachable over SSH, as on a real machine. A fresh host key per host and a client key are made
in a temporary directory, with a ``known_hosts`` listing the host keys and a hosts file
(``NAME ADDRESS`` per line) for ``--hosts``.

Needs root, iproute2, openssh-server and ssh-keygen. Only what it creates is removed: its
namespaces (after SIGKILLing, by PID, the processes inside them), its bridge and its directory.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from harness.shell.runtime.netns import pick_subnet, used_networks

SSHD = Path("/usr/sbin/sshd")
ALT_PORT = 2222
"""Every sshd also listens on this port (to test ``HOST:PORT`` and the SSH config's Port)."""
PRIVATE_DIR = "/var/tmp"
SUDO_USER = "sbsudo"
"""A login on every host that may run anything with ``sudo -n`` (when sudo is installed)."""
PLAIN_USER = "sbuser"
"""A login on every host with neither root nor sudo."""
"""Each host sees its own empty tmpfs here (the runtime's default remote base is below it)."""

_CONFIG = """\
ListenAddress {address}
Port 22
Port {alt_port}
HostKey {host_key}
PidFile none
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AuthorizedKeysFile {authorized_keys}
Subsystem sftp internal-sftp
UseDNS no
LogLevel ERROR
"""


def _run(argv: list[str], *, stdin: str | None = None) -> str:
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=30,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.strip()}")
    return proc.stdout


def _keygen(path: Path, comment: str) -> str:
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)])
    return path.with_suffix(".pub").read_text().strip() if path.suffix else \
        Path(f"{path}.pub").read_text().strip()


@dataclass(frozen=True, kw_only=True, slots=True)
class SshdHost:
    name: str
    address: str
    namespace: str
    host_key_line: str
    """``ssh-ed25519 AAAA...`` of the host."""


class SshdCluster:
    """``n`` hosts named ``h1..hn``; use as a context manager."""

    def __init__(self, n: int = 3, *, prefix: str = "h",
                 hide: dict[str, list[str]] | None = None) -> None:
        """``hide`` maps a host to directories (a tmpfs is mounted over them) and programs
        (``/dev/null`` is bound over them) it must not have, e.g.
        ``{"h3": ["/usr/lib/x86_64-linux-gnu/faketime", "/usr/bin/etcd"]}``."""
        self._hide = hide or {}
        self.id = secrets.token_hex(2)
        self.names = [f"{prefix}{i}" for i in range(1, n + 1)]
        self.bridge = f"sbh{self.id}br"
        self._veths = [f"sbh{self.id}-{i}" for i in range(1, n + 1)]
        self.dir = Path(tempfile.mkdtemp(prefix=f"sbh-{self.id}-"))
        self.dir.chmod(0o755)  # the test users' sshd reads authorized_keys here (keys stay 0600)
        self.hosts: dict[str, SshdHost] = {}
        self.controller_address = ""
        self._sshd: dict[str, subprocess.Popen[bytes]] = {}
        self.client_key = self.dir / "id_ed25519"
        self.known_hosts = self.dir / "known_hosts"
        self.hosts_file = self.dir / "hosts"

    def start(self) -> SshdCluster:
        if os.geteuid() != 0 or not SSHD.exists():
            raise RuntimeError("sshd test hosts need root and openssh-server (scripts/setup)")
        subnet = pick_subnet(f"sshd-hosts-{self.id}", used_networks())
        addrs = list(subnet.hosts())
        self.controller_address = str(subnet.network_address + 254)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation dir
        client_pub = _keygen(self.client_key, "splitbrain-test-client")
        (self.dir / "authorized_keys").write_text(client_pub + "\n")
        (self.dir / "authorized_keys").chmod(0o644)
        empty = self.dir / "empty_bashrc"
        empty.write_text("")
        users = self._user_files()
        lines = [f"link add {self.bridge} type bridge",
                 f"addr add {self.controller_address}/24 dev {self.bridge}",
                 f"link set {self.bridge} up"]
        for name, veth in zip(self.names, self._veths, strict=True):
            ns = f"sbh-{self.id}-{name}"
            lines += [f"netns add {ns}", f"link add {veth} type veth peer name eth0 netns {ns}",
                      f"link set {veth} master {self.bridge} up"]
        _run(["ip", "-batch", "-"], stdin="\n".join(lines) + "\n")
        known: list[str] = []
        for i, name in enumerate(self.names):
            ns, address = f"sbh-{self.id}-{name}", str(addrs[i])
            _run(["ip", "-n", ns, "-batch", "-"],
                 stdin=f"addr add {address}/24 dev eth0\nlink set lo up\nlink set eth0 up\n")
            host_dir = self.dir / name
            host_dir.mkdir()
            key = host_dir / "ssh_host_ed25519_key"
            pub = _keygen(key, f"root@{name}")
            key_line = " ".join(pub.split()[:2])
            config = host_dir / "sshd_config"
            config.write_text(_CONFIG.format(address=address, host_key=key, alt_port=ALT_PORT,
                                             authorized_keys=self.dir / "authorized_keys"))
            script = (
                f"hostname {name} && "
                f"mount -t tmpfs -o size=256m,mode=1777 tmpfs {PRIVATE_DIR} && "
                f"{{ [ ! -f /root/.bashrc ] || mount --bind {empty} /root/.bashrc; }} && "
                + "".join(f"mount -t tmpfs tmpfs {d} && " if Path(d).is_dir()
                          else f"mount --bind /dev/null {d} && " for d in self._hide.get(name, []))
                + "".join(f"mount --bind {copy} {orig} && " for orig, copy in users.items()) +
                f"exec {SSHD} -D -e -f {config}"
            )
            log = open(host_dir / "sshd.log", "wb")  # noqa: SIM115 (kept open by the child)
            self._sshd[name] = subprocess.Popen(
                ["ip", "netns", "exec", ns, "unshare", "--mount", "--uts", "sh", "-c", script],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
            log.close()
            self.hosts[name] = SshdHost(name=name, address=address, namespace=ns,
                                        host_key_line=key_line)
            known += [f"{address} {key_line}", f"[{address}]:{ALT_PORT} {key_line}"]
        self.known_hosts.write_text("\n".join(known) + "\n")
        self.hosts_file.write_text(
            "".join(f"{h.name} {h.address}\n" for h in self.hosts.values()))
        for name, host in self.hosts.items():
            self._wait_listening(name, host.address)
        return self

    def _user_files(self) -> dict[str, Path]:
        """Copies of /etc/passwd, /etc/group (and /etc/sudoers) with the test users added, to be
        bind-mounted in the hosts' mount namespaces (the machine's own files are not touched)."""
        out: dict[str, Path] = {}
        for orig, extra in (
            ("/etc/passwd", f"{SUDO_USER}:x:4242:4242::{PRIVATE_DIR}:/bin/sh\n"
                            f"{PLAIN_USER}:x:4243:4243::{PRIVATE_DIR}:/bin/sh\n"),
            ("/etc/group", f"{SUDO_USER}:x:4242:\n{PLAIN_USER}:x:4243:\n"),
            ("/etc/shadow", f"{SUDO_USER}:*:19000:0:99999:7:::\n"
                            f"{PLAIN_USER}:*:19000:0:99999:7:::\n"),
            ("/etc/sudoers", f"{SUDO_USER} ALL=(ALL:ALL) NOPASSWD: ALL\n"),
        ):
            if not Path(orig).exists():
                continue
            copy = self.dir / Path(orig).name
            copy.write_text(Path(orig).read_text() + extra)
            copy.chmod(Path(orig).stat().st_mode & 0o777)
            out[orig] = copy
        return out

    def _wait_listening(self, name: str, address: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection((address, 22), 0.5):
                return
            proc = self._sshd[name]
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (self.dir / name / "sshd.log").read_text(errors="replace")
                raise RuntimeError(f"sshd on test host {name} did not start: {log[-800:]}")
            time.sleep(0.02)

    def pids_in(self, name: str) -> list[int]:
        """Every process inside the host's namespace (sshd, sessions, what the runtime started)."""
        out = subprocess.run(["ip", "netns", "pids", self.hosts[name].namespace],
                             capture_output=True, text=True, check=False).stdout
        return [int(p) for p in out.split()]

    def nsexec(self, name: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` in the host's network namespace (to inspect its iptables)."""
        return subprocess.run(["ip", "netns", "exec", self.hosts[name].namespace, *argv],
                              capture_output=True, text=True, timeout=30, check=False)

    def close(self) -> None:
        for proc in self._sshd.values():
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGKILL)
        for proc in self._sshd.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)
        for name in self.hosts:  # sessions and anything started through them
            for pid in self.pids_in(name):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for host in self.hosts.values():
            subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True,
                           check=False)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> SshdCluster:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


__all__ = ["ALT_PORT", "PLAIN_USER", "PRIVATE_DIR", "SUDO_USER", "SshdCluster", "SshdHost"]
