"""Starting processes under libfaketime, with a control file the clock nemesis rewrites.

A process started with :func:`environment` reads its clock offset from its control file on every
call (``FAKETIME_NO_CACHE=1``); only the wall clock is faked (``FAKETIME_DONT_FAKE_MONOTONIC=1``,
or Python's timed waits hang). Under that setting ``time.sleep`` fails with EINVAL in Python 3.11
(a libfaketime bug with ``clock_nanosleep`` and absolute times), so Python targets also get a
``sitecustomize.py`` on ``PYTHONPATH`` that replaces ``time.sleep`` with a ``select``-based sleep.
``FAKETIME_FORCE_MONOTONIC_FIX=0`` keeps thread hand-offs fast (see :func:`environment`).

libfaketime leaves ``/dev/shm/faketime_shm_<pid>`` and ``/dev/shm/sem.faketime_sem_<pid>`` behind
each process; :func:`remove_shm_files` deletes those of the PIDs we started.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
SHM = Path("/dev/shm")

SITECUSTOMIZE = '''\
"""Installed by Splitbrain for processes under libfaketime: time.sleep without clock_nanosleep."""
import select as _select
import time as _time


def _sleep(secs: float) -> None:
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = _time.monotonic() + secs
    while True:
        remaining = deadline - _time.monotonic()
        if remaining <= 0:
            return
        _select.select([], [], [], remaining)


_time.sleep = _sleep
'''


class FakeTimeUnavailableError(RuntimeError):
    """libfaketime is not installed."""


def require_library() -> Path:
    if not LIBFAKETIME.exists():
        raise FakeTimeUnavailableError(
            f"libfaketime is missing ({LIBFAKETIME}); install the Debian package faketime "
            "(scripts/setup does)"
        )
    return LIBFAKETIME


def format_clock(offset_s: float, rate: float = 1.0) -> str:
    """A control-file line: an offset from the real clock, and a rate when it is not 1."""
    line = f"{offset_s:+.6f}s"
    if rate != 1.0:
        line += f" x{rate:g}"
    return line


def write_control(path: Path, offset_s: float = 0.0, rate: float = 1.0) -> None:
    """Atomically set the clock of the process(es) reading ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(format_clock(offset_s, rate) + "\n")
    os.replace(tmp, path)


def site_dir(base: Path) -> Path:
    """A directory holding our ``sitecustomize.py`` (written on demand) for ``PYTHONPATH``."""
    directory = base / "faketime-site"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "sitecustomize.py"
    if not target.exists() or target.read_text() != SITECUSTOMIZE:
        target.write_text(SITECUSTOMIZE)
    return directory


def environment(
    control_file: Path,
    *,
    python_site: Path | None = None,
    inherited: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment variables that start a process under libfaketime, reading ``control_file``.

    ``python_site`` (from :func:`site_dir`) is put first on ``PYTHONPATH`` for Python targets;
    ``inherited`` (default ``os.environ``) supplies the ``PYTHONPATH`` and ``LD_PRELOAD`` to keep.
    """
    env = os.environ if inherited is None else inherited
    library = str(require_library())
    preload = env.get("LD_PRELOAD", "")
    out = {
        "LD_PRELOAD": f"{library}:{preload}" if preload else library,
        "FAKETIME_TIMESTAMP_FILE": str(control_file),
        "FAKETIME_NO_CACHE": "1",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        # libfaketime turns its "monotonic fix" on for glibc >= 2.30; it then mishandles
        # pthread_cond_timedwait on monotonic condition variables (Python's GIL), so every thread
        # hand-off waits out a timeout: measured 5-9 ms instead of ~0.1 ms per hand-off.
        "FAKETIME_FORCE_MONOTONIC_FIX": "0",
    }
    if python_site is not None:
        path = env.get("PYTHONPATH", "")
        out["PYTHONPATH"] = f"{python_site}{os.pathsep}{path}" if path else str(python_site)
    return out


def shm_files(pid: int, shm: Path = SHM) -> list[Path]:
    return [shm / f"faketime_shm_{pid}", shm / f"sem.faketime_sem_{pid}"]


def remove_shm_files(pids: Iterable[int], shm: Path = SHM) -> list[Path]:
    """Delete libfaketime's shared-memory files of ``pids``; returns the files removed."""
    removed: list[Path] = []
    for pid in pids:
        for path in shm_files(pid, shm):
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed.append(path)
    return removed


__all__ = [
    "LIBFAKETIME",
    "SITECUSTOMIZE",
    "FakeTimeUnavailableError",
    "environment",
    "format_clock",
    "remove_shm_files",
    "require_library",
    "shm_files",
    "site_dir",
    "write_control",
]
