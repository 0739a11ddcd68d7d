from __future__ import annotations

from pathlib import Path

import pytest

from harness.shell.runtime.docker._image import NodeImage, host_mirror, host_suite


def test_the_mirror_comes_from_the_hosts_apt_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPLITBRAIN_DEBIAN_MIRROR", raising=False)
    apt = tmp_path / "apt"
    (apt / "sources.list.d").mkdir(parents=True)
    (apt / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n")
    assert host_mirror("bookworm", apt) == "http://mirror.example/debian"
    (apt / "sources.list.d" / "debian.sources").unlink()
    (apt / "sources.list").write_text("deb [arch=amd64] http://old.example/debian bookworm main\n")
    assert host_mirror("bookworm", apt) == "http://old.example/debian"
    assert host_mirror("trixie", apt) == "http://deb.debian.org/debian"
    monkeypatch.setenv("SPLITBRAIN_DEBIAN_MIRROR", "http://mine/debian")
    assert host_mirror("bookworm", apt) == "http://mine/debian"


def test_the_tag_is_a_hash_of_the_recipe_not_of_the_mirror(tmp_path: Path) -> None:
    a = NodeImage(suite="bookworm", mirror="http://a")
    assert a.tag == NodeImage(suite="bookworm", mirror="http://b").tag
    assert a.tag != NodeImage(suite="trixie", mirror="http://a").tag
    assert a.tag != NodeImage(suite="bookworm", mirror="http://a", packages=("python3",)).tag
    assert a.tag.startswith("splitbrain-node:")
    release = tmp_path / "os-release"
    release.write_text('NAME="Debian"\nVERSION_CODENAME=bookworm\n')
    assert host_suite(release) == "bookworm"
