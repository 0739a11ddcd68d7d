from __future__ import annotations

from pathlib import Path

import pytest

from harness.shell.runtime.ssh._hosts import HostEntry, HostsFileError, parse_hosts, read_hosts


def test_names_hosts_ports_comments_and_blank_lines() -> None:
    text = ("# cluster\nn1 10.0.0.1\n\nn2 db2.example:2222  # second\n"
            "n3 [fd00::3]:22\nn4 [fd00::4]\n")
    assert parse_hosts(text, "hosts") == (
        HostEntry(name="n1", host="10.0.0.1", port=None, line=2),
        HostEntry(name="n2", host="db2.example", port=2222, line=4),
        HostEntry(name="n3", host="fd00::3", port=22, line=5),
        HostEntry(name="n4", host="fd00::4", port=None, line=6),
    )


@pytest.mark.parametrize(("text", "message"), [
    ("n1\n", "hosts:1: expected 'NAME HOST[:PORT]'"),
    ("n1 a b\n", "hosts:1: expected"),
    ("n1 a\nn1 b\n", "hosts:2: node 'n1' is already on line 1"),
    ("-x a\n", "hosts:1: bad NAME '-x'"),
    ("n1 a:0\n", "hosts:1: bad PORT '0'"),
    ("n1 a:70000\n", "hosts:1: bad PORT '70000'"),
    ("n1 a:ssh\n", "hosts:1: bad PORT 'ssh'"),
    ("n1 [fd00::1\n", "hosts:1: bad HOST"),
    ("n1 a/b\n", "hosts:1: bad HOST 'a/b'"),
    ("# nothing\n\n", "hosts: no hosts"),
])
def test_malformed_lines_name_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(HostsFileError) as info:
        parse_hosts(text, "hosts")
    assert str(info.value).startswith(message)


def test_an_unreadable_file_is_a_hosts_file_error(tmp_path: Path) -> None:
    with pytest.raises(HostsFileError, match="cannot read the hosts file"):
        read_hosts(tmp_path / "missing")
    (tmp_path / "bin").write_bytes(b"\xff\xfe n1")
    with pytest.raises(HostsFileError, match="cannot read"):
        read_hosts(tmp_path / "bin")
