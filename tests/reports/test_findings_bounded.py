from __future__ import annotations

from pathlib import Path

from reports import load_run, render
from reports._findings import MAX_ELEMENTS
from tests.reports.runs import set_checker, set_history, write_run


def test_lost_elements_are_listed_up_to_a_bound_and_the_rest_counted(tmp_path: Path) -> None:
    lose = MAX_ELEMENTS + 700
    run_dir = write_run(tmp_path / "run", set_history(lose + 50, lose=lose), {"set": set_checker},
                        name="set")
    page, info = render(load_run(run_dir))
    assert info.verdict == "invalid"
    assert f"Lost elements</strong> ({lose})" in page
    assert page.count('class="pill"') <= MAX_ELEMENTS + 50
    assert "… and 700 more" in page
