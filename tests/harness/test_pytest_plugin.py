"""The pytest plugin, in a pytest run started by this one (pytester), with the run itself faked;
the real runs are in test_pytest_plugin_integration.py. The inner runs are subprocesses: an
in-process run restores ``sys.modules`` afterwards, which left numpy unloadable and two copies of
harness.kernel.generators (two PENDINGs) for the tests after it."""

from __future__ import annotations

import pytest

import harness.shell.run  # noqa: F401  (loaded once here: numpy cannot be loaded again by an inner run)

INNER = '''
from pathlib import Path

import pytest

from checkers.verdict import ExitCode, Verdict
from harness.shell.run import RunOutcome


@pytest.fixture(autouse=True)
def fake_run(monkeypatch, tmp_path):
    from harness.shell.run_results import RunResults

    def run_test(test, **kwargs):
        run_dir = test.store / test.name / "1"
        run_dir.mkdir(parents=True)
        (run_dir / "report.html").write_text("<html></html>")
        verdict = Verdict.INVALID if test.target_option("bug") else Verdict.VALID
        return RunOutcome(run_dir=run_dir, verdict=verdict, exit_code=ExitCode.VALID,
                          results=RunResults(verdict=verdict))

    monkeypatch.setattr("harness.shell.run.run_test", run_test)
    monkeypatch.setattr("harness.shell.run.plan", lambda test: None)


def test_correct_is_valid(splitbrain):
    splitbrain.run(nodes=3, time_limit=2, seed=1).expect(Verdict.VALID)


def test_bug_is_invalid(splitbrain):
    splitbrain.run("--target-opt", "bug=stale-reads", seed=2).expect("invalid")


def test_bug_expected_valid(splitbrain):
    outcome = splitbrain.run(target_opt={"bug": "stale-reads"}, seed=3)
    outcome.expect(Verdict.VALID)


def test_plain_assert(splitbrain):
    assert splitbrain.run(target_opt={"bug": "stale-reads"}, seed=4).valid
'''


def test_verdicts_are_assertions_and_failures_name_the_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    text = result.stdout.str()
    assert "AssertionError: expected valid, got raftkv-register: invalid; seed 3; report: " in (
        text)
    assert "raftkv-register/1/report.html" in text
    assert "splitbrain runs" in text  # the report section of a failed test
    assert "invalid  raftkv-register, seed 4: " in text  # the plain assert's test, too
    assert "<splitbrain outcome raftkv-register: invalid; seed 4; report: " in text


def test_the_store_option_and_disabling_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner='''
def test_store(splitbrain, tmp_path):
    assert splitbrain.config().store == tmp_path / "store"

def test_elsewhere(splitbrain):
    assert str(splitbrain.config().store).endswith("elsewhere")
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "test_store")
    result.assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "elsewhere",
                                          "--splitbrain-store", "elsewhere")
    result.assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:splitbrain")
    result.assert_outcomes(errors=2)  # fixture 'splitbrain' not found
