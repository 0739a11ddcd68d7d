from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.shell.runtime.ssh._chains import parse_sweep, sweep_script
from harness.shell.runtime.ssh._paths import PathMap


def test_paths_under_the_run_directory_move_to_the_remote_root(tmp_path: Path) -> None:
    run = tmp_path / "store" / "t" / "r1"
    paths = PathMap(local=run, remote="/var/tmp/splitbrain/abc")
    assert paths.path(run / "nodes" / "n1" / "x.log") == "/var/tmp/splitbrain/abc/nodes/n1/x.log"
    assert paths.path(run) == "/var/tmp/splitbrain/abc"
    assert paths.path(Path("/etc/hosts")) == "/etc/hosts"
    assert paths.path(tmp_path / "store" / "t" / "r10") == str(tmp_path / "store" / "t" / "r10")
    assert paths.text(f"--data-dir={run}/nodes/n1/data") == \
        "--data-dir=/var/tmp/splitbrain/abc/nodes/n1/data"
    assert paths.data(f"dir {run}/d\n".encode()) == b"dir /var/tmp/splitbrain/abc/d\n"
    assert paths.data(b"\xff\x00") == b"\xff\x00"


def test_a_relative_run_directory_is_mapped_in_both_forms(tmp_path: Path) -> None:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        paths = PathMap(local=Path("store/r"), remote="/r")
        assert paths.path(Path("store/r/nodes/n1")) == "/r/nodes/n1"
        assert paths.text("a=store/r/x b=" + str(tmp_path / "store/r/y")) == "a=/r/x b=/r/y"
    finally:
        os.chdir(cwd)


def test_the_sweep_touches_only_chains_with_the_run_prefix() -> None:
    script = sweep_script("sb-1a2b3c4d-")
    assert "' -j 'sb-1a2b3c4d-" in script and "index($2, p) == 1" in script
    for bad in ("sb-", "INPUT", "sb-1a2b-; rm -rf /", "sb-1a2b"):
        with pytest.raises(ValueError):
            sweep_script(bad)
    assert parse_sweep("removed rule -D INPUT -j sb-x-part\nnoise\nremoved chain sb-x-part\n") \
        == ["removed rule -D INPUT -j sb-x-part", "removed chain sb-x-part"]
