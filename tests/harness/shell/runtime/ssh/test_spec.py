from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.kernel.config import RuntimeKind, TestConfig
from harness.kernel.nodes import RuntimeOptionError
from harness.shell.commands import run as run_command
from harness.shell.run import RunOutcome
from harness.shell.runtime.registry import capability_table, validate
from harness.shell.runtime.ssh.spec import needs_of, options_of


def _test(tmp_path: Path, **kw: object) -> TestConfig:
    hosts = tmp_path / "hosts"
    if not hosts.exists():
        hosts.write_text("a 10.0.0.1\nb 10.0.0.2:2222\nc db3\n")
    base: dict[str, object] = {
        "name": "t", "target": "raftkv", "workload": "register", "nemesis": ("partition",),
        "nodes": ("a", "b", "c"), "runtime": RuntimeKind.SSH,
        "runtime_options": (("hosts", str(hosts)),),
    }
    base.update(kw)
    return TestConfig(**base)  # type: ignore[arg-type]


def test_a_valid_ssh_test_passes_validation(tmp_path: Path) -> None:
    assert validate(_test(tmp_path)).kind is RuntimeKind.SSH


@pytest.mark.parametrize(("kw", "message"), [
    ({"runtime_options": ()}, "needs --hosts FILE"),
    ({"nodes": ("a", "b")}, "the hosts file names the nodes a, b, c"),
    ({"nemesis": ("bandwidth",)}, "cannot inject bandwidth"),
    ({"nemesis": ("delay",)}, "NetfilterQueue"),
    ({"nemesis": ("clock",), "target": "redis"}, r"cannot inject clock \(clock: Redis on ssh"),
    ({"runtime_options": (("hosts", "/nonexistent/hosts"),)}, "cannot read the hosts file"),
    ({"runtime_options": (("hosts", "HOSTS"), ("no-host-key-check", "maybe"))},
     "must be true or false"),
    ({"runtime_options": (("hosts", "HOSTS"), ("key", "/nonexistent/key"))}, "no such file"),
    ({"runtime_options": (("hosts", "HOSTS"), ("colour", "red"))}, "has no option colour"),
])
def test_impossible_tests_are_refused_before_any_connection(
    tmp_path: Path, kw: dict[str, object], message: str
) -> None:
    hosts = str(tmp_path / "hosts")
    opts = kw.get("runtime_options")
    if isinstance(opts, tuple):
        kw["runtime_options"] = tuple((k, hosts if v == "HOSTS" else v) for k, v in opts)
    with pytest.raises(RuntimeOptionError, match=message):
        validate(_test(tmp_path, **kw))


def test_two_nodes_on_one_host_are_refused(tmp_path: Path) -> None:
    (tmp_path / "hosts").write_text("a 10.0.0.1\nb 10.0.0.1:2222\n")
    with pytest.raises(RuntimeOptionError, match=r"nodes a and b are both on 10\.0\.0\.1"):
        validate(_test(tmp_path, nodes=("a", "b")))


def test_options_and_needs(tmp_path: Path) -> None:
    test = _test(tmp_path, nemesis=("partition", "clock"), runtime_options=(
        ("hosts", "x"), ("user", "ops"), ("known-hosts", "/k"), ("config", "none"),
        ("no-host-key-check", "yes")))
    options = options_of(test)
    assert (options.user, options.known_hosts, options.config, options.insecure) == (
        "ops", Path("/k"), None, True)
    needs = needs_of(test)
    assert needs.iptables and needs.faketime and needs.python and needs.programs == ()
    assert needs_of(_test(tmp_path, target="etcd", nemesis=("kill",))).programs == ("etcd",)
    assert not needs_of(_test(tmp_path, target="etcd", nemesis=("kill",))).iptables


def test_the_capability_table_has_an_ssh_column() -> None:
    rows = {r.split()[0]: r.split()[1:] for r in capability_table().splitlines()}
    ssh = rows["fault"].index("ssh")
    assert rows["partition"][ssh] == "yes" and rows["clock"][ssh] == "yes"
    assert rows["bandwidth"][ssh] == "no" and rows["delay"][ssh] == "no"


def test_run_flags_become_runtime_options_and_nodes_come_from_the_hosts_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[TestConfig] = []

    def fake(test: TestConfig, **kwargs: object) -> RunOutcome:
        seen.append(test)
        raise SystemExit(0)

    monkeypatch.setattr(run_command, "run_test", fake)
    # a plan without faults (the pre-run time-limit warning reads the plan's test)
    monkeypatch.setattr(run_command, "plan",
                        lambda test: SimpleNamespace(test=replace(test, nemesis=("none",))))
    hosts = tmp_path / "hosts"
    hosts.write_text("db1 10.0.0.1\ndb2 10.0.0.2\ndb3 10.0.0.3\n")
    result = CliRunner().invoke(cli, [
        "run", "--runtime", "ssh", "--hosts", str(hosts), "--ssh-user", "ops",
        "--ssh-key", "/k", "--ssh-known-hosts", "/kh", "--ssh-config", "none",
        "--ssh-dir", "/srv/sb", "--ssh-no-host-key-check", "--nodes", "7"])
    assert result.exit_code == 0, result.output
    test = seen[0]
    assert test.nodes == ("db1", "db2", "db3")
    assert dict(test.runtime_options) == {
        "hosts": str(hosts), "user": "ops", "key": "/k", "known-hosts": "/kh",
        "config": "none", "dir": "/srv/sb", "no-host-key-check": "true"}


def test_a_bad_hosts_file_exits_254_naming_the_line(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("db1 10.0.0.1\ndb2\n")
    result = CliRunner().invoke(cli, ["run", "--runtime", "ssh", "--hosts", str(hosts)])
    assert result.exit_code == 254
    assert f"{hosts}:2: expected 'NAME HOST[:PORT]'" in result.output


def test_node_names_come_from_the_hosts_file_for_ssh_only(tmp_path: Path) -> None:
    from harness.shell.gate._suite import Case
    from harness.shell.runtime.registry import node_names

    hosts = tmp_path / "hosts"
    hosts.write_text("db1 10.0.0.1\ndb2 10.0.0.2\n")
    assert node_names(RuntimeKind.SSH, {"hosts": str(hosts)}, 5) == ("db1", "db2")
    assert node_names(RuntimeKind.NETNS, {"hosts": str(hosts)}, 2) == ("n1", "n2")
    assert node_names(RuntimeKind.SSH, {}, 1) == ("n1",)  # validate() then asks for --hosts
    case = Case(name="c", runtime=RuntimeKind.SSH, runtime_options=(("hosts", str(hosts)),))
    assert case.config(suite="s", seed=1, store=tmp_path).nodes == ("db1", "db2")
    hosts.write_text("db1\n")
    with pytest.raises(RuntimeOptionError, match="hosts:1: expected"):
        node_names(RuntimeKind.SSH, {"hosts": str(hosts)}, 5)


def test_the_default_nemesis_leaves_out_what_ssh_refuses_for_the_target(tmp_path: Path) -> None:
    from harness.shell.run import plan
    from nemesis.defaults import DEFAULT

    redis = plan(_test(tmp_path, target="redis", workload="set", nemesis=(DEFAULT,)))
    assert "clock" not in redis.test.nemesis and "partition" in redis.test.nemesis
    raftkv = plan(_test(tmp_path, nemesis=(DEFAULT,)))
    assert raftkv.test.nemesis == ("partition", "kill", "pause", "clock")
