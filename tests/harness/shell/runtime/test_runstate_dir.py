from __future__ import annotations

from pathlib import Path

import pytest

from harness.shell.runtime import runstate


@pytest.mark.parametrize(("euid", "env", "want"), [
    (0, {}, Path("/run/splitbrain")),
    (0, {"SPLITBRAIN_STATE_DIR": "/x"}, Path("/x")),
    (1000, {"XDG_RUNTIME_DIR": "/run/user/1000"}, Path("/run/user/1000/splitbrain")),
    (1000, {}, Path("/home/u/.cache/splitbrain/run")),
])
def test_the_state_directory_of_root_and_of_other_users(
    monkeypatch: pytest.MonkeyPatch, euid: int, env: dict[str, str], want: Path
) -> None:
    for key in ("SPLITBRAIN_STATE_DIR", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", "/home/u")
    monkeypatch.setattr(runstate.os, "geteuid", lambda: euid)
    assert runstate._default_state_dir() == want
