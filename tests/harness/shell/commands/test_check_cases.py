"""``splitbrain check`` on the histories of ``../shared/cases`` (read from there, never copied) and
on variants of each kind of fault they stand for, written here."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from tests.conftest import ROOT

CASES = ROOT.parent / "shared" / "cases"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def _expected() -> list[tuple[str, str, int]]:
    with (CASES / "expected.tsv").open(newline="") as f:
        return [(r["file"], r["model"], int(r["exit"])) for r in csv.DictReader(f, delimiter="\t")]


def test_cases_are_there() -> None:
    assert len(_expected()) >= 8


@pytest.mark.parametrize(("file", "model", "code"), _expected(), ids=[r[0] for r in _expected()])
def test_shared_case_gets_its_right_answer(file: str, model: str, code: int) -> None:
    got, out, err = run("check", str(CASES / file), "--model", model)
    assert got == code, out + err
    assert "Traceback" not in out + err
    if code == 254:
        assert "no operations" in err or "line" in err
    else:
        assert "(detected)" in out  # says which format it used
        _, out, _ = run("check", str(CASES / file), "--model", model, "--json")
        assert json.loads(out)["verdict"] == {0: "valid", 1: "invalid"}[code]  # the README's


def _write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def _check(path: Path, model: str, *extra: str) -> tuple[int, str, str]:
    code, out, err = run("check", str(path), "--model", model, *extra)
    assert "Traceback" not in out + err
    return code, out, err


# --- Jepsen text layouts -------------------------------------------------------------------

STALE = [("0", ":invoke", ":write", "4"), ("0", ":ok", ":write", "4"),
         ("1", ":invoke", ":read", "nil"), ("1", ":ok", ":read", "2")]
FINE = [("0", ":invoke", ":write", "4"), ("0", ":ok", ":write", "4"),
        ("1", ":invoke", ":read", "nil"), ("1", ":ok", ":read", "4")]


def _layout(layout: str, op: tuple[str, ...], n: int) -> str:
    msg = "\t".join(op)
    stamp = f"2019-04-01 11:25:24,{n:03d}"
    worker = op[0]
    return {
        "2015": f"INFO  jepsen.util - {msg}",
        "2015-stamped": f"{stamp}{{GMT}}\tINFO  [jepsen worker {worker}] jepsen.util - {msg}",
        "0.1": f"INFO [{stamp}] jepsen worker {worker} - jepsen.util {msg}",
        "logback": f"{stamp}{{GMT}}\tINFO\t[jepsen worker {worker}] jepsen.util: {msg}",
        "logback-spaces": f"{stamp} INFO  [jepsen worker {worker}] jepsen.util: {msg}",
        "plain": msg,
        "plain-spaces": "    ".join(op),
        "knossos": "[" + " ".join(op) + "]",
    }[layout]


NOISE = {
    "2015": "INFO  jepsen.core - Running test",
    "2015-stamped": "2019-04-01 11:25:23,000{GMT}\tINFO  [main] jepsen.core - Running test",
    "0.1": "INFO [2019-04-01 11:25:23,000] main - jepsen.core Running test",
    "logback": "2019-04-01 11:25:23,000{GMT}\tWARN\t[main] jepsen.db: setting up\n"
               "java.lang.RuntimeException: boom\n\tat clojure.core$eval.invoke(core.clj:1)",
    "logback-spaces": "2019-04-01 11:25:23,000 INFO  [main] jepsen.core: Running test",
    "plain": "",
    "plain-spaces": "; a comment",
    "knossos": "",
}
LAYOUTS = sorted(NOISE)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ["jepsen.log", "history.txt", "h.edn", "h.jsonl", "noext"])
@pytest.mark.parametrize("bom", [False, True])
def test_every_text_layout_under_any_name(tmp_path: Path, layout: str, name: str,
                                          bom: bool) -> None:
    for ops, want in ((STALE, 1), (FINE, 0)):
        lines = [NOISE[layout]] + [_layout(layout, op, i) for i, op in enumerate(ops)]
        path = _write(tmp_path, name, "\n".join(lines) + "\n", bom)
        code, out, err = _check(path, "cas-register")
        assert code == want, (layout, out, err)
        assert "ops" in out and (" 4 " in out or "\t4" in out)


def test_log_with_bad_op_line_names_it(tmp_path: Path) -> None:
    text = (NOISE["0.1"] + "\n" + _layout("0.1", STALE[0], 1) + "\n"
            + "INFO [2019-04-01 11:25:24,100] jepsen worker 0 - jepsen.util 0\t:ok\t:write\t[4\n")
    code, _, err = _check(_write(tmp_path, "jepsen.log", text), "cas-register")
    assert code == 254 and "line 3" in err and "field 'value'" in err


def test_plain_history_with_an_unreadable_line_names_the_first(tmp_path: Path) -> None:
    lines = ["\t".join(op) for op in FINE]
    lines.insert(2, "garbage in the middle")
    lines.insert(4, "more garbage")
    code, _, err = _check(_write(tmp_path, "history.txt", "\n".join(lines), bom=True),
                          "cas-register")
    assert code == 254 and "line 3" in err and "not an operation" in err


# --- never valid on nothing ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "", "\n\n   \n", "this file is not a history at all\n",
        "Lorem ipsum dolor sit amet.\nSecond line, 3 :ok here.\n",
        "INFO  jepsen.core - Running test\nINFO  jepsen.core - done\n",
        '{"index":0,"time":0,"type":"info","process":"nemesis","f":"start","value":null}\n',
        "[{:process :nemesis, :type :info, :f :start, :value nil}]\n",
        ":nemesis\t:info\t:start\tnil\n",
        "[]\n",
    ],
)
@pytest.mark.parametrize("fmt", ["auto", "jsonl", "edn", "jepsen-log"])
def test_no_client_operation_is_never_valid(tmp_path: Path, text: str, fmt: str) -> None:
    path = _write(tmp_path, "history.log", text)
    code, out, err = _check(path, "cas-register", "--format", fmt, "--json")
    assert code == 254, out + err
    assert json.loads(out)["verdict"] != "valid"


NO_OK = {
    "h.edn": "{:process 0, :type :invoke, :f :write, :value 1}\n"
             "{:process 0, :type :info, :f :write, :value 1}\n"
             "{:process 1, :type :invoke, :f :read, :value nil}\n"
             "{:process 1, :type :fail, :f :read, :value nil}\n"
             "{:process 2, :type :invoke, :f :write, :value 2}\n",
    "history.txt": "0\t:invoke\t:write\t1\n0\t:fail\t:write\t1\n:nemesis\t:info\t:start\tnil\n",
    "h.jsonl": '{"index":0,"time":0,"type":"invoke","process":0,"f":"read","value":null}\n'
               '{"index":1,"time":5,"type":"info","process":0,"f":"read","value":null}\n',
}


@pytest.mark.parametrize("name", sorted(NO_OK))
@pytest.mark.parametrize("model", ["register", "cas-register", "knossos-cas-register"])
def test_invocations_without_any_ok_are_unknown_exit_254(tmp_path: Path, name: str,
                                                        model: str) -> None:
    # Jepsen says valid here; "never valid on nothing", and 2 means only "out of budget".
    code, out, err = _check(_write(tmp_path, name, NO_OK[name]), model, "--json")
    assert code == 254, out + err
    got = json.loads(out)
    assert got["verdict"] == "unknown" and got["no_evidence"] is True
    assert "no client operation completed ok" in got["error"] and name in got["error"]
    code, out, err = _check(_write(tmp_path, name, NO_OK[name]), model)
    assert code == 254 and "completed ok" in err and "unknown" in out


def test_transactions_without_any_commit_are_unknown_exit_254(tmp_path: Path) -> None:
    text = ("{:type :invoke, :f :txn, :value [[:append :x 1]], :process 0}\n"
            "{:type :fail, :f :txn, :value [[:append :x 1]], :process 0}\n"
            "{:type :invoke, :f :txn, :value [[:r :x nil]], :process 1}\n")
    for model in ("list-append", "rw-register"):
        body = text if model == "list-append" else text.replace(":append", ":w")
        code, _, err = _check(_write(tmp_path, "h.edn", body), model)
        assert code == 254 and "completed ok" in err, err


# --- values keep their types ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "read"),
    [("1", "true"), ("0", "false"), ("42", "42.0"), (":a", '"a"'), ('"1"', "1"),
     ("[1 2]", "{1 2}"), ("1.0", "1"), ("true", "1"), ("#{1 2}", "[1 2]"), ("[1 2]", "#{1 2}"),
     ("#{1 2}", "#{1 2 3}"), ("#{[1 2]}", "#{#{1 2}}"), ("[1 #{2}]", "[1 [2]]")],
)
def test_edn_values_of_different_types_differ(tmp_path: Path, written: str, read: str) -> None:
    text = (f"{{:process 1, :type :invoke, :f :write, :value {written}}}\n"
            f"{{:process 1, :type :ok, :f :write, :value {written}}}\n"
            "{:process 0, :type :invoke, :f :read, :value nil}\n"
            f"{{:process 0, :type :ok, :f :read, :value {read}}}\n")
    for model in ("register", "cas-register", "knossos-cas-register"):
        assert _check(_write(tmp_path, "h.edn", text), model)[0] == 1
    same = text.replace(f":value {read}}}", f":value {written}}}")
    assert _check(_write(tmp_path, "h.edn", same), "register")[0] == 0


def test_edn_sets_are_sets_in_any_order(tmp_path: Path) -> None:
    text = ("{:process 1, :type :invoke, :f :write, :value #{1 2 :a}}\n"
            "{:process 1, :type :ok, :f :write, :value #{1 2 :a}}\n"
            "{:process 0, :type :invoke, :f :read, :value nil}\n"
            "{:process 0, :type :ok, :f :read, :value #{:a 2 1}}\n")
    assert _check(_write(tmp_path, "h.edn", text), "register")[0] == 0
    text = ("0\t:invoke\t:add\t1\n0\t:ok\t:add\t1\n0\t:invoke\t:add\t2\n0\t:ok\t:add\t2\n"
            "1\t:invoke\t:read\tnil\n1\t:ok\t:read\t#{2 1}\n")
    assert _check(_write(tmp_path, "history.txt", text), "set")[0] == 0
    code, out, _ = _check(_write(tmp_path, "history.txt", text.replace("#{2 1}", "#{2}")), "set")
    assert code == 1 and "#{2}" in out  # shown as the set it is


@pytest.mark.parametrize(("written", "read"), [("1", "true"), ("42", "42.0"), ("0", "false")])
def test_jsonl_values_of_different_types_differ(tmp_path: Path, written: str, read: str) -> None:
    lines = [
        f'{{"index":0,"time":0,"type":"invoke","process":0,"f":"write","value":{written}}}',
        f'{{"index":1,"time":1,"type":"ok","process":0,"f":"write","value":{written}}}',
        '{"index":2,"time":2,"type":"invoke","process":1,"f":"read","value":null}',
        f'{{"index":3,"time":3,"type":"ok","process":1,"f":"read","value":{read}}}',
    ]
    assert _check(_write(tmp_path, "h.jsonl", "\n".join(lines)), "register")[0] == 1


def test_clojure_number_literals(tmp_path: Path) -> None:
    text = ("0\t:invoke\t:write\t0x10\n0\t:ok\t:write\t0x10\n"
            "1\t:invoke\t:read\tnil\n1\t:ok\t:read\t16N\n"
            "1\t:invoke\t:cas\t[020 2r101]\n1\t:ok\t:cas\t[020 2r101]\n"
            "2\t:invoke\t:read\tnil\n2\t:ok\t:read\t5\n"
            "2\t:invoke\t:write\t1.5M\n2\t:ok\t:write\t1.5M\n"
            "0\t:invoke\t:read\tnil\n0\t:ok\t:read\t1.5\n")
    assert _check(_write(tmp_path, "history.txt", text), "cas-register")[0] == 0
    bad = text.replace(":read\t1.5\n", ":read\t3/2\n").replace("1.5M", "3/2")
    assert _check(_write(tmp_path, "history.txt", bad), "cas-register")[0] == 0
    wrong = text.replace(":read\t16N", ":read\t0x11")
    assert _check(_write(tmp_path, "history.txt", wrong), "cas-register")[0] == 1


def test_jepsen_history_op_records_sets_and_nested_values(tmp_path: Path) -> None:
    text = ("[#jepsen.history.Op{:index 0, :time 5, :type :invoke, :process 0, :f :add, "
            ":value {:x [1 #{2}]}}\n"
            " #jepsen.history.Op{:index 1, :time 9, :type :ok, :process 0, :f :add, "
            ":value {:x [1 #{2}]}}\n"
            " #jepsen.history.Op{:index 2, :time 10, :type :invoke, :process 1, :f :read, "
            ":value nil}\n"
            " #jepsen.history.Op{:index 3, :time 12, :type :ok, :process 1, :f :read, "
            ":value [{:x [1 #{2}]}]}]\n")
    assert _check(_write(tmp_path, "history.edn", text), "set")[0] == 0
    other = text.replace(":value [{:x [1 #{2}]}]", ':value [{:x [1 #{"2"}]}]')
    assert _check(_write(tmp_path, "history.edn", other), "set")[0] == 1


# --- micro-ops and input a model cannot interpret ------------------------------------------

@pytest.mark.parametrize(("w", "r"), [(":w", ":r"), (":write", ":read"), ('"w"', '"r"')])
def test_micro_op_spellings(tmp_path: Path, w: str, r: str) -> None:
    text = (f"{{:type :invoke, :f :txn :value [[{w} :x 1] [{w} :y 2]], :process 0}}\n"
            f"{{:type :ok,     :f :txn :value [[{w} :x 1] [{w} :y 2]], :process 0}}\n"
            f"{{:type :invoke, :f :txn :value [[{r} :x nil] [{r} :y nil]], :process 1}}\n"
            f"{{:type :ok,     :f :txn :value [[{r} :x 1] [{r} :y 2]], :process 1}}\n")
    assert _check(_write(tmp_path, "h.edn", text), "multi-register")[0] == 0
    bad = text.replace(f"[[{r} :x 1] [{r} :y 2]]", f"[[{r} :x 1] [{r} :y 3]]")
    assert _check(_write(tmp_path, "h.edn", bad), "multi-register")[0] == 1


@pytest.mark.parametrize(
    ("model", "lines", "line", "field"),
    [
        ("multi-register", ["{:type :invoke, :f :txn, :value [[:append :x 1]], :process 0}",
                            "{:type :ok, :f :txn, :value [[:append :x 1]], :process 0}"], 1,
         "value"),
        ("multi-register", ["{:type :invoke, :f :txn, :value [[:r :x nil]], :process 0}",
                            "{:type :ok, :f :txn, :value 7, :process 0}"], 2, "value"),
        ("multi-register", ["{:type :invoke, :f :read, :value nil, :process 0}",
                            "{:type :ok, :f :read, :value 7, :process 0}"], 1, "f"),
        ("cas-register", ["{:type :invoke, :f :write, :value 1, :process 0}",
                          "{:type :ok, :f :write, :value 1, :process 0}",
                          "{:type :invoke, :f :incr, :value 1, :process 0}",
                          "{:type :ok, :f :incr, :value 1, :process 0}"], 3, "f"),
        ("cas-register", ["{:type :invoke, :f :cas, :value 3, :process 0}",
                          "{:type :ok, :f :cas, :value 3, :process 0}"], 1, "value"),
        ("kv", ['{:type :invoke, :f :put, :key "a", :value 3, :process 0}',
                '{:type :ok, :f :put, :key "a", :value 3, :process 0}'], 1, "value"),
        ("set", ["{:type :invoke, :f :add, :value 3, :process 0}",
                 "{:type :ok, :f :add, :value 3, :process 0}",
                 "{:type :invoke, :f :read, :value nil, :process 1}",
                 "{:type :ok, :f :read, :value 3, :process 1}"], 4, "value"),
    ],
)
def test_uninterpretable_input_is_254_with_line_and_field(
    tmp_path: Path, model: str, lines: list[str], line: int, field: str
) -> None:
    path = _write(tmp_path, "h.edn", "\n".join(lines) + "\n")
    code, _, err = _check(path, model)
    assert code == 254, err
    assert f"{path}, line {line}: field '{field}'" in err


# --- jepsen.independent --------------------------------------------------------------------

def _lin_kv(ops: list[tuple[int, str, str, str]]) -> str:
    return "".join(f"{{:process {p}, :type :{t}, :f :{f}, :value {v}}}\n" for p, t, f, v in ops)


INDEPENDENT_OK = [
    (0, "invoke", "write", "[0 1]"), (0, "ok", "write", "[0 1]"),
    (1, "invoke", "write", "[1 5]"), (1, "ok", "write", "[1 5]"),
    (0, "invoke", "cas", "[0 [1 2]]"), (0, "ok", "cas", "[0 [1 2]]"),
    (1, "invoke", "read", "[1 nil]"), (1, "ok", "read", "[1 5]"),
    (2, "invoke", "read", "[0 nil]"), (2, "ok", "read", "[0 2]"),
]


@pytest.mark.parametrize("model", ["cas-register", "knossos-cas-register"])
def test_independent_values_are_split_by_key(tmp_path: Path, model: str) -> None:
    code, out, _ = _check(_write(tmp_path, "h.edn", _lin_kv(INDEPENDENT_OK)), model)
    assert code == 0 and "[2 keys]" in out  # as one register it would be invalid
    bad = [*INDEPENDENT_OK[:-1], (2, "ok", "read", "[0 5]")]  # key 0 never held 5
    assert _check(_write(tmp_path, "h.edn", _lin_kv(bad)), model)[0] == 1
    stale = [*INDEPENDENT_OK[:-1], (2, "ok", "read", "[1 5]")]  # key 1's value, read on key 0?
    code, _, err = _check(_write(tmp_path, "h.edn", _lin_kv(stale)), model)
    assert code == 254 and "key" in err


def test_independent_jsonl_and_text(tmp_path: Path) -> None:
    text = "".join(f"{p}\t:{t}\t:{f}\t{v}\n" for p, t, f, v in INDEPENDENT_OK)
    assert _check(_write(tmp_path, "history.txt", text), "cas-register")[0] == 0
    lines = [json.dumps({"index": i, "time": i, "type": t, "process": p, "f": f,
                         "value": json.loads(v.replace(" ", ",").replace("nil", "null")
                                             .replace("[,", "[").replace(",,", ","))})
             for i, (p, t, f, v) in enumerate(INDEPENDENT_OK)]
    assert _check(_write(tmp_path, "h.jsonl", "\n".join(lines)), "cas-register")[0] == 0


def test_ambiguous_independent_is_refused_and_can_be_forced(tmp_path: Path) -> None:
    mixed = [*INDEPENDENT_OK, (3, "invoke", "write", "7"), (3, "ok", "write", "7")]
    path = _write(tmp_path, "h.edn", _lin_kv(mixed))
    code, _, err = _check(path, "cas-register")
    assert code == 254 and "--independent" in err and "line 11" in err
    code, _, err = _check(path, "cas-register", "--independent")
    assert code == 254 and "line 11" in err and "[key value]" in err
    assert _check(path, "cas-register", "--no-independent")[0] == 1


@pytest.mark.parametrize(
    "ops",
    [
        # some writes wrapped as [key value], some not; no op shows keys ([k nil], [k [o n]])
        [(0, "invoke", "write", "[0 1]"), (0, "ok", "write", "[0 1]"),
         (1, "invoke", "write", "3"), (1, "ok", "write", "3"),
         (2, "invoke", "read", "nil"), (2, "ok", "read", "3")],
        [(1, "invoke", "write", "3"), (1, "ok", "write", "3"),
         (0, "invoke", "write", "[0 1]"), (0, "ok", "write", "[0 1]"),
         (2, "invoke", "read", "nil"), (2, "ok", "read", "[0 1]")],
        [(0, "invoke", "cas", "[0 [1 2]]"), (0, "fail", "cas", "[0 [1 2]]"),
         (1, "invoke", "cas", "[1 2]"), (1, "ok", "cas", "[1 2]")],
    ],
    ids=["pair-first", "plain-first", "cas"],
)
def test_some_pairs_some_plain_values_is_refused_not_read_plain(
    tmp_path: Path, ops: list[tuple[int, str, str, str]]
) -> None:
    path = _write(tmp_path, "h.edn", _lin_kv(ops))
    code, out, err = _check(path, "cas-register")
    assert code == 254, out + err
    assert f"{path}, line 3: field 'value'" in err  # the second kind's first line
    assert "line 1" in err and "--independent" in err and "--no-independent" in err
    code, out, err = _check(path, "cas-register", "--no-independent")
    assert code in (0, 1) and "keys]" not in out, out + err


def test_plain_histories_with_pair_values_are_not_split(tmp_path: Path) -> None:
    ops = [(0, "invoke", "write", "[1 2]"), (0, "ok", "write", "[1 2]"),
           (1, "invoke", "read", "nil"), (1, "ok", "read", "[1 2]"),
           (1, "invoke", "cas", "[[1 2] 3]"), (1, "ok", "cas", "[[1 2] 3]")]
    code, out, _ = _check(_write(tmp_path, "h.edn", _lin_kv(ops)), "cas-register")
    assert code == 0 and "keys]" not in out
    plain_cas = [(0, "invoke", "cas", "[0 1]"), (0, "fail", "cas", "[0 1]"),
                 (1, "invoke", "cas", "[nil 1]"), (1, "ok", "cas", "[nil 1]")]
    code, out, _ = _check(_write(tmp_path, "h.edn", _lin_kv(plain_cas)), "cas-register")
    assert code == 0 and "keys]" not in out


def test_other_loggers_op_shaped_text_is_not_an_op_when_jepsen_util_writes_them(
    tmp_path: Path,
) -> None:
    lines = [_layout("0.1", op, i) for i, op in enumerate(FINE)]
    lines.insert(2, "INFO [2019-04-01 11:25:24,050] main - jepsen.checker 7\t:ok\t:read\t9")
    assert _check(_write(tmp_path, "jepsen.log", "\n".join(lines)), "cas-register")[0] == 0
    # Without any jepsen.util line, such messages are the ops.
    other = [f"INFO [2019-04-01 11:25:24,0{i}0] w - my.client " + "\t".join(op)
             for i, op in enumerate(STALE)]
    assert _check(_write(tmp_path, "jepsen.log", "\n".join(other)), "cas-register")[0] == 1
