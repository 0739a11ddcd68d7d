from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.shell import faketime


def test_format_clock() -> None:
    assert faketime.format_clock(0.0) == "+0.000000s"
    assert faketime.format_clock(-3600.5) == "-3600.500000s"
    assert faketime.format_clock(1.5, 2.0) == "+1.500000s x2"


def test_write_control_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "n1" / "faketime.rc"
    faketime.write_control(path, 2.0)
    faketime.write_control(path, -1.0, 0.5)
    assert path.read_text() == "-1.000000s x0.5\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["faketime.rc"]


def test_environment_keeps_existing_paths(tmp_path: Path) -> None:
    site = faketime.site_dir(tmp_path)
    env = faketime.environment(
        tmp_path / "c.rc", python_site=site,
        inherited={"PYTHONPATH": "/a", "LD_PRELOAD": "/lib/x.so"},
    )
    assert env["PYTHONPATH"] == f"{site}:/a"
    assert env["LD_PRELOAD"] == f"{faketime.LIBFAKETIME}:/lib/x.so"
    assert env["FAKETIME_TIMESTAMP_FILE"] == str(tmp_path / "c.rc")
    assert env["FAKETIME_NO_CACHE"] == "1"
    assert env["FAKETIME_DONT_FAKE_MONOTONIC"] == "1"
    assert env["FAKETIME_FORCE_MONOTONIC_FIX"] == "0"


def test_sitecustomize_sleep_waits_and_rejects_negative(tmp_path: Path) -> None:
    site = faketime.site_dir(tmp_path)
    code = (
        "import time\n"
        "t = time.monotonic(); time.sleep(0.05); assert time.monotonic() - t >= 0.05\n"
        "assert time.sleep.__module__ == 'sitecustomize'\n"
        "try:\n    time.sleep(-1)\nexcept ValueError:\n    print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(site)},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_remove_shm_files(tmp_path: Path) -> None:
    for path in faketime.shm_files(123, tmp_path):
        path.write_text("")
    (tmp_path / "faketime_shm_456").write_text("")
    removed = faketime.remove_shm_files([123, 789], tmp_path)
    assert sorted(p.name for p in removed) == ["faketime_shm_123", "sem.faketime_sem_123"]
    assert [p.name for p in tmp_path.iterdir()] == ["faketime_shm_456"]


@pytest.mark.integration
@pytest.mark.timeout(30)
def test_a_python_process_sees_the_control_file(tmp_path: Path) -> None:
    control = tmp_path / "c.rc"
    faketime.write_control(control, -7200.0)
    env = faketime.environment(control, python_site=faketime.site_dir(tmp_path))
    code = "import time; t = time.time(); time.sleep(0.01); print(time.time())"
    before = __import__("time").time()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    assert float(out.stdout) - before == pytest.approx(-7200.0, abs=60.0)
