from __future__ import annotations

from harness.shell.runtime.ssh._preflight import Needs, parse_probe, refusals, table

FULL = """uid=0
hostname=h1
ssh_connection=10.0.0.254 40000 10.0.0.1 22
iptables=works
faketime=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
python3=3.11.2
etcd=/usr/bin/etcd
redis-server=/usr/bin/redis-server
tc=/usr/sbin/tc
"""

BARE = """uid=1000
hostname=h2
ssh_connection=10.0.0.254 40001 10.0.0.2 22
sudo=no
python3=3.9.2
"""


def test_probe_output_is_parsed() -> None:
    facts = parse_probe("n1", "10.0.0.1", FULL)
    assert facts.root and facts.privileged and facts.iptables and facts.python_ok
    assert facts.python == (3, 11, 2)
    assert facts.faketime == "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
    assert set(facts.programs) == {"etcd", "redis-server", "tc"}
    assert (facts.hostname, facts.controller_address) == ("h1", "10.0.0.254")
    bare = parse_probe("n2", "10.0.0.2", BARE)
    assert not bare.privileged and not bare.iptables and not bare.python_ok
    assert bare.faketime is None and not bare.programs


def test_refusals_name_the_node_and_what_is_missing() -> None:
    good = parse_probe("n1", "10.0.0.1", FULL)
    bad = parse_probe("n2", "10.0.0.2", BARE)
    needs = Needs(iptables=True, faketime=True, python=True, programs=("etcd",),
                  why={"faketime": "--nemesis clock"})
    assert refusals([good], needs) == []
    reasons = refusals([good, bad], needs)
    assert len(reasons) == 5 and all(r.startswith("n2 (10.0.0.2): ") for r in reasons)
    text = "\n".join(reasons)
    assert "not root and 'sudo -n' needs a password" in text
    assert "libfaketime is missing (Debian package faketime), needed for --nemesis clock" in text
    assert "python3 >= 3.11" in text and "found: 3.9.2" in text
    assert "etcd is not installed" in text and "apt-get install etcd-server" in text
    assert refusals([bad], Needs()) == [reasons[0]]  # root is always needed


def test_table_has_a_row_per_host() -> None:
    text = table([parse_probe("n1", "10.0.0.1", FULL), parse_probe("n2", "10.0.0.2", BARE)])
    lines = text.splitlines()
    assert lines[0].split() == ["node", "host", "login", "iptables", "libfaketime", "python3",
                                "etcd", "redis"]
    assert lines[1].split() == ["n1", "10.0.0.1", "root", "yes", "yes", "3.11.2", "yes",
                                "server", "only"]
    assert lines[2].split() == ["n2", "10.0.0.2", "NO", "ROOT", "no", "no", "3.9.2", "no", "no"]
