"""Plugins through real entry points: a ``*.dist-info`` directory on ``sys.path`` is what an
installed distribution is to :mod:`importlib.metadata`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.kernel.config import TestConfig
from harness.shell.plugins import PluginError
from harness.shell.run import plan
from nemesis.registry import NemesisOptionError
from nemesis.registry import build as build_nemesis
from targets.registry import Target, TargetError, get_target
from workloads.registry import UnknownWorkloadError, get_workload

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"

MODULE = '''
"""A demo plugin."""
from harness.kernel.config import TestConfig
from harness.kernel.protocols import NoopClient, NoopDB
from nemesis.registry import NemesisPackage, none_package
from targets.registry import Target, TargetError
from workloads.registry import WORKLOADS


def target(test: TestConfig) -> Target:
    """A target that does nothing, for tests."""
    if test.target_option("fail") == "yes":
        raise TargetError("demo: fail=yes")
    if test.target_option("crash") == "yes":
        raise KeyError("oops")
    return Target(name="demo", db=NoopDB(), clients={"register": NoopClient, "demo": NoopClient})


def not_a_target(test):
    return 42


def workload(test):
    """The register workload under another name."""
    from dataclasses import replace
    return replace(WORKLOADS["register"](test), name="demo")


def nemesis(test):
    """No faults, as a plugin."""
    return none_package(test)


NOT_CALLABLE = 3
'''


def install(root: Path, dist: str, entry_points: dict[str, dict[str, str]],
            modules: dict[str, str]) -> None:
    """What pip leaves in site-packages: the modules and ``<dist>-<version>.dist-info``."""
    info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = []
    for group, eps in entry_points.items():
        lines.append(f"[{group}]")
        lines += [f"{name} = {ref}" for name, ref in eps.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for name, text in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(text))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "site"
    install(root, "demo-plugin", {
        "splitbrain.targets": {"demo": "demo_plugin:target", "raftkv": "demo_plugin:target",
                               "wrong": "demo_plugin:not_a_target",
                               "inert": "demo_plugin:NOT_CALLABLE"},
        "splitbrain.workloads": {"demo": "demo_plugin:workload"},
        "splitbrain.nemeses": {"calm": "demo_plugin:nemesis"},
    }, {"demo_plugin": MODULE})
    install(root, "broken-plugin", {"splitbrain.targets": {"broken": "broken_plugin:target"}},
            {"broken_plugin": "import no_such_module_anywhere\n"})
    install(root, "other-plugin", {"splitbrain.targets": {"twice": "demo_plugin:target"}}, {})
    install(root, "third-plugin", {"splitbrain.targets": {"twice": "demo_plugin:target"}}, {})
    monkeypatch.syspath_prepend(str(root))
    yield root
    for name in ("demo_plugin", "broken_plugin"):
        sys.modules.pop(name, None)


def config(**kw: object) -> TestConfig:
    base: dict[str, object] = {"name": "t", "target": "demo", "workload": "register"}
    base.update(kw)
    return TestConfig(**base)  # type: ignore[arg-type]


def test_an_installed_target_resolves_by_its_entry_point_name(site: Path) -> None:
    target = get_target(config())
    assert isinstance(target, Target) and target.name == "demo"


def test_a_builtin_wins_over_a_plugin_of_the_same_name(site: Path) -> None:
    assert get_target(config(target="raftkv")).name == "raftkv"


def test_a_plugin_that_fails_to_import_names_itself_and_its_distribution(site: Path) -> None:
    with pytest.raises(PluginError) as e:
        get_target(config(target="broken"))
    message = str(e.value)
    assert "target plugin broken" in message and "broken-plugin 1.0" in message
    assert "broken_plugin:target" in message and "no_such_module_anywhere" in message


@pytest.mark.parametrize(("name", "words"), [
    ("wrong", "returned a int, not a Target"),
    ("inert", "is a int, not a factory"),
    ("twice", "several installed distributions"),
    ("demo_plugin:nothing", "has no attribute 'nothing'"),
    ("no_such_pkg.mod:target", "failed to import: ModuleNotFoundError"),
])
def test_misbehaving_plugins_are_plugin_errors(site: Path, name: str, words: str) -> None:
    with pytest.raises(PluginError, match=words):
        get_target(config(target=name))


def test_a_plugins_own_option_error_keeps_its_message_and_a_crash_names_the_plugin(
    site: Path,
) -> None:
    with pytest.raises(TargetError, match="demo: fail=yes"):
        get_target(config(target_options=(("fail", "yes"),)))
    with pytest.raises(PluginError, match=r"target plugin demo .* raised KeyError"):
        get_target(config(target_options=(("crash", "yes"),)))


def test_unknown_names_list_plugins_too(site: Path) -> None:
    with pytest.raises(TargetError, match=r"unknown target mongo; known: .*demo.*raftkv"):
        get_target(config(target="mongo"))
    with pytest.raises(UnknownWorkloadError, match="unknown workload bank"):
        get_workload(config(workload="bank"))
    with pytest.raises(NemesisOptionError, match=r"unknown nemesis meteor; known: .*calm"):
        build_nemesis(config(nemesis=("meteor",)))


def test_workload_and_nemesis_plugins_and_references_make_a_plan(site: Path) -> None:
    by_name = plan(config(workload="demo", nemesis=("calm",)))
    assert by_name.workload.name == "demo"
    by_reference = plan(config(target="demo_plugin:target", workload="demo_plugin:workload",
                               nemesis=("demo_plugin:nemesis",)))
    assert by_reference.workload.name == "demo"  # the target's client is looked up by this name


def test_list_shows_where_each_comes_from_and_fails_on_broken_plugins(site: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by = {(r["section"], r["name"], r["origin"]): r for r in rows}
    assert by[("targets", "raftkv", "builtin")]["error"] is None
    demo = by[("targets", "demo", "demo-plugin 1.0")]
    assert demo["reference"] == "demo_plugin:target"
    assert demo["description"] == "A target that does nothing, for tests."
    assert "shadowed" in by[("targets", "raftkv", "demo-plugin 1.0")]["error"]
    assert "No module named 'no_such_module_anywhere'" in by[
        ("targets", "broken", "broken-plugin 1.0")]["error"]
    assert by[("workloads", "demo", "demo-plugin 1.0")]["error"] is None
    assert by[("nemeses", "calm", "demo-plugin 1.0")]["error"] is None
    assert ("models", "cas-register", "builtin") in by
    assert result.exit_code == 254
    assert "target plugin broken (broken-plugin 1.0, broken_plugin:target)" in result.stderr
    table = CliRunner().invoke(cli, ["list"])
    assert "BROKEN: failed to import" in table.stdout
    assert "demo-plugin 1.0" in table.stdout and "[demo_plugin:target]" in table.stdout


def test_list_with_only_builtins_exits_0() -> None:
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    for name in ("raftkv", "etcd", "redis", "register", "partition", "cas-register"):
        assert f"  {name} " in result.stdout


def test_the_real_cli_exits_254_naming_a_broken_plugin(site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([str(SPLITBRAIN), "run", "--target", "broken"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 254, done.stderr
    assert ("target plugin broken (broken-plugin 1.0, broken_plugin:target) failed to import: "
            "ModuleNotFoundError") in done.stderr
    assert "Traceback" not in done.stderr


def test_list_shows_every_model_check_accepts() -> None:
    # `check --model` takes the linearizability models and the transactional ones
    from checkers.elle import TXN_MODELS
    from checkers.linearizable import MODEL_NAMES

    result = CliRunner().invoke(cli, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    models = {row["name"] for row in rows if row["section"] == "models"}
    assert models == {*MODEL_NAMES, *TXN_MODELS}
