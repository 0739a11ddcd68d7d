from __future__ import annotations

from pathlib import Path

import paramiko

from harness.shell.runtime.ssh._connect import SshOptions, load_config, resolve

CONFIG = """\
Host db1
    HostName 10.1.2.3
    User alice
    Port 2200
    IdentityFile ~/keys/db1
    ProxyJump bob@bastion:2022,[fd00::9]:22

Host *.lab
    User carol

Host direct
    ProxyJump none
"""


def test_the_ssh_config_supplies_hostname_user_port_key_and_jumps(tmp_path: Path) -> None:
    (tmp_path / "config").write_text(CONFIG)
    options = SshOptions(config=tmp_path / "config")
    end = resolve("db1", None, options, load_config(options))
    assert (end.hostname, end.user, end.port) == ("10.1.2.3", "alice", 2200)
    assert end.key_files == (str(Path("~/keys/db1").expanduser()),)
    assert end.jumps == ("bob@bastion:2022", "[fd00::9]:22")
    assert end.describe() == "alice@10.1.2.3:2200 via bob@bastion:2022, [fd00::9]:22"


def test_command_line_and_hosts_file_win_over_the_config(tmp_path: Path) -> None:
    (tmp_path / "config").write_text(CONFIG)
    options = SshOptions(config=tmp_path / "config", user="root", key=tmp_path / "k")
    end = resolve("db1", 22, options, load_config(options))
    assert (end.user, end.port, end.key_files) == ("root", 22, (str(tmp_path / "k"),))


def test_defaults_without_a_config_entry(tmp_path: Path) -> None:
    (tmp_path / "config").write_text(CONFIG)
    options = SshOptions(config=tmp_path / "config")
    config = load_config(options)
    assert resolve("x.lab", None, options, config).user == "carol"
    plain = resolve("10.9.9.9", None, options, config)
    assert (plain.hostname, plain.user, plain.port, plain.key_files, plain.jumps) == (
        "10.9.9.9", "root", 22, (), ())
    assert resolve("direct", None, options, config).jumps == ()


def test_no_config_file_is_an_empty_config(tmp_path: Path) -> None:
    assert isinstance(load_config(SshOptions(config=None)), paramiko.SSHConfig)
    missing = SshOptions(config=tmp_path / "nope")
    assert resolve("h", None, missing, load_config(missing)).user == "root"


def test_options_survive_the_run_state_round_trip(tmp_path: Path) -> None:
    options = SshOptions(user="u", key=tmp_path / "k", known_hosts=tmp_path / "kh", config=None,
                         insecure=True, connect_timeout_s=3.0)
    assert SshOptions.from_json(dict(options.to_json())) == options
