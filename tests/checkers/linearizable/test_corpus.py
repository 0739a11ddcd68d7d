"""Every history of the Knossos corpus gets the verdict its ``verdicts.csv`` gives.

The corpus is read from ``<repo root>/../shared/corpus/knossos`` (never copied). Rows whose file
is absent or is not a history (the ``.html`` rendering, the file marked "NOT copied") are left out.
"""

from __future__ import annotations

import csv

import pytest

from checkers.evidence import lack_of_evidence
from checkers.linearizable import check, get_model
from checkers.verdict import Verdict
from harness.kernel.jepsen_files import read_edn
from tests.conftest import CORPUS

KNOSSOS = CORPUS / "knossos"


def _model_name(description: str) -> str:
    if description.startswith("cas-register"):
        return "knossos-cas-register"
    if description.startswith("multi-register"):
        return "knossos-multi-register"
    if description.startswith("mutex"):
        return "mutex"
    raise AssertionError(f"verdicts.csv names an unexpected model: {description!r}")


def _rows() -> list[tuple[str, str, Verdict]]:
    path = KNOSSOS / "verdicts.csv"
    if not path.exists():
        return []
    rows = []
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            file = KNOSSOS / row["file"]
            if not file.is_file() or file.suffix != ".edn":
                continue
            expected = {"linearizable": Verdict.VALID, "not_linearizable": Verdict.INVALID}
            rows.append((row["file"], _model_name(row["model"]), expected[row["expected_verdict"]]))
    return rows


ROWS = _rows()


def test_corpus_is_there() -> None:
    assert (KNOSSOS / "verdicts.csv").is_file(), f"corpus missing at {KNOSSOS}"
    assert len(ROWS) >= 120
    assert {verdict for _, _, verdict in ROWS} == {Verdict.VALID, Verdict.INVALID}


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("file", "model_name", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_corpus_verdict(file: str, model_name: str, expected: Verdict) -> None:
    history = read_edn(KNOSSOS / file)
    result = check(history, get_model(model_name), time_limit=60.0)
    if lack_of_evidence(history.operations()) is not None:
        # A few corpus files hold nemesis events only, or no operation that completed ok
        # (Knossos: linearizable): never valid on nothing (DESIGN.md), unknown with the reason.
        assert expected is Verdict.VALID
        assert result.verdict is Verdict.UNKNOWN and result.reason is not None
        return
    assert result.verdict is expected
    if expected is Verdict.INVALID:
        invalid = result.invalid_keys
        assert invalid and all(k.counterexample is not None for k in invalid)
