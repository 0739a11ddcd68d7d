"""The node image, built offline once and reused: ``splitbrain-node:<recipe hash>``.

No registry is reachable from CI, so the image is made from Debian packages: ``debootstrap
--variant=minbase`` of the host's Debian release from the mirror in the host's apt sources, with
what the targets need (python3 for the Raft KV, etcd-server, faketime for clock faults, tini as
PID 1), then ``docker import``. The tag is a hash of the recipe, so a changed recipe builds a new
image and an unchanged one is reused. Firewall and traffic tools are not needed inside: the
harness runs the host's iptables, tc and ip in the container's network namespace.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from harness.kernel.nodes import RuntimeUnavailableError
from harness.shell.runtime.docker._engine import LABEL_RECIPE, LABEL_RUN
from harness.shell.runtime.runstate import STATE_DIR

REPOSITORY = "splitbrain-node"
PACKAGES = ("python3", "etcd-server", "faketime", "tini")
"""Debian packages of the node image (besides minbase)."""
RECIPE_VERSION = 2
"""Bump when the build steps change in a way the other recipe fields do not show."""
FALLBACK_MIRROR = "http://deb.debian.org/debian"

Say = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeImage:
    """A recipe for the node image."""

    suite: str
    mirror: str
    packages: tuple[str, ...] = PACKAGES
    variant: str = "minbase"

    def recipe_hash(self) -> str:
        """Hash of what decides the image's content (the mirror is only where it comes from)."""
        recipe = {"suite": self.suite, "variant": self.variant,
                  "packages": sorted(self.packages), "version": RECIPE_VERSION}
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:12]

    @property
    def tag(self) -> str:
        return f"{REPOSITORY}:{self.recipe_hash()}"


def host_suite(os_release: Path = Path("/etc/os-release")) -> str:
    """The host's Debian codename (``bookworm``), so nodes run the host's Python and etcd."""
    try:
        for line in os_release.read_text().splitlines():
            if line.startswith("VERSION_CODENAME="):
                return line.split("=", 1)[1].strip().strip('"') or "bookworm"
    except OSError:
        pass
    return "bookworm"


def host_mirror(suite: str, etc_apt: Path = Path("/etc/apt")) -> str:
    """The Debian mirror the host's apt uses for ``suite`` (deb822 ``.sources`` or one-line
    ``sources.list``); ``SPLITBRAIN_DEBIAN_MIRROR`` overrides; deb.debian.org otherwise."""
    override = os.environ.get("SPLITBRAIN_DEBIAN_MIRROR")
    if override:
        return override
    for path in sorted((etc_apt / "sources.list.d").glob("*.sources")):
        try:
            stanzas = path.read_text().split("\n\n")
        except OSError:
            continue
        for stanza in stanzas:
            fields: dict[str, str] = {}
            for line in stanza.splitlines():
                key, sep, value = line.partition(":")
                if sep and not line.startswith((" ", "#")):
                    fields[key.strip().lower()] = value.strip()
            if suite in fields.get("suites", "").split() and fields.get("uris"):
                return fields["uris"].split()[0]
    lists = [etc_apt / "sources.list", *sorted((etc_apt / "sources.list.d").glob("*.list"))]
    for path in lists:
        try:
            lines = path.read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            m = re.match(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line.strip())
            if m and m.group(2) == suite:
                return m.group(1)
    return FALLBACK_MIRROR


def default_image() -> NodeImage:
    suite = host_suite()
    return NodeImage(suite=suite, mirror=host_mirror(suite))


def ensure_image(client: docker.DockerClient, recipe: NodeImage | None = None, *,
                 say: Say = _stderr) -> str:
    """The tag of the node image, built now if the engine does not have it yet.

    The image is labelled ``splitbrain.run=image-<recipe hash>``: never a run's id, so that
    containers made from it by a user (which inherit its labels) are never taken for a run's.

    Concurrent builds of one recipe on this machine wait for each other (a lock file).
    Raises :class:`RuntimeUnavailableError` if debootstrap is missing or the build fails.
    """
    image = recipe or default_image()
    if _has(client, image.tag):
        _tag_latest(client, image.tag)
        return image.tag
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with open(STATE_DIR / f"image-{image.recipe_hash()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _has(client, image.tag):  # built by someone else while we waited
            return image.tag
        _build(client, image, say=say)
    _tag_latest(client, image.tag)
    return image.tag


def _tag_latest(client: docker.DockerClient, tag: str) -> None:
    """Also name it ``splitbrain-node:latest`` (what examples/compose uses)."""
    with contextlib.suppress(docker.errors.DockerException):
        client.images.get(tag).tag(REPOSITORY, "latest")


def _has(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def _build(client: docker.DockerClient, image: NodeImage, *, say: Say) -> None:
    if shutil.which("debootstrap") is None:
        raise RuntimeUnavailableError(
            "building the node image needs debootstrap (apt-get install debootstrap; "
            "scripts/setup does), or give an image with --docker-image")
    started = time.monotonic()
    say(f"splitbrain: building the node image {image.tag} once (debootstrap {image.variant} "
        f"{image.suite} from {image.mirror} + {', '.join(image.packages)}; about a minute)")
    with tempfile.TemporaryDirectory(prefix="splitbrain-image-", dir="/var/tmp") as tmp:
        root = Path(tmp) / "rootfs"
        argv = ["debootstrap", f"--variant={image.variant}",
                f"--include={','.join(image.packages)}", image.suite, str(root), image.mirror]
        _stream(argv, say)
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for path in (root / junk).glob("*"):
                if path.is_file():
                    path.unlink()
        say(f"splitbrain: node image: packing the root ({_du(root)} MB) and importing it")
        tarball = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(root), "-cf", str(tarball), "."], check=True)
        repository, tag = image.tag.split(":")
        changes = [
            f'LABEL {LABEL_RUN}="image-{image.recipe_hash()}" '
            f'{LABEL_RECIPE}="{image.recipe_hash()}" splitbrain.mirror="{image.mirror}"',
            'CMD ["/usr/bin/tini", "--", "sleep", "infinity"]',
        ]
        try:
            client.api.import_image_from_file(str(tarball), repository=repository, tag=tag,
                                              changes=changes)
        except docker.errors.DockerException as e:
            raise RuntimeUnavailableError(f"importing the node image failed: {e}") from None
    if not _has(client, image.tag):
        raise RuntimeUnavailableError(f"the engine did not keep the node image {image.tag}")
    say(f"splitbrain: node image {image.tag} built in {time.monotonic() - started:.0f} s")


def _stream(argv: list[str], say: Say) -> None:
    """Run ``argv``, showing progress (one line per package stage), failing with its tail."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    tail: list[str] = []
    last_stage = ""
    for raw in proc.stdout:
        line = raw.rstrip()
        tail = [*tail[-19:], line]
        stage = line.split(" ", 2)[1] if line.startswith("I: ") and " " in line[3:] else ""
        if stage and stage != last_stage:  # Retrieving, Validating, Extracting, Installing...
            say(f"  debootstrap: {line[3:]}")
            last_stage = stage
    code = proc.wait()
    if code != 0:
        raise RuntimeUnavailableError(
            f"debootstrap failed (exit {code}) building the node image; last lines:\n"
            + "\n".join("    " + t for t in tail))


def _du(path: Path) -> int:
    out = subprocess.run(["du", "-sm", str(path)], capture_output=True, text=True, check=False)
    return int(out.stdout.split()[0]) if out.returncode == 0 and out.stdout else 0


__all__ = ["PACKAGES", "REPOSITORY", "NodeImage", "default_image", "ensure_image", "host_mirror",
           "host_suite"]
