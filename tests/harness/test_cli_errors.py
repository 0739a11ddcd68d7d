"""The CLI's last-resort error handling (harness/cli.py)."""

from __future__ import annotations

import pytest

from harness import cli


def test_a_missing_module_says_how_to_repair_the_installation(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ModuleNotFoundError("No module named 'msgspec'")

    monkeypatch.setattr("click.Group.main", broken)
    with pytest.raises(SystemExit) as exit_info:
        cli.cli.main(["check", "x"])
    assert exit_info.value.code == 255
    err = capsys.readouterr().err
    assert "No module named 'msgspec'" in err
    assert "re-run scripts/setup" in err
