from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel.errors import HistoryFormatError
from harness.kernel.historyio import HistoryFormat, detect_format, find_histories, read_history
from harness.kernel.jepsen_files import read_edn, read_jepsen_log
from harness.kernel.ops import NEMESIS, OpType
from tests.conftest import CORPUS


def test_edn_vector_with_comments_missing_values_and_nemesis(tmp_path: Path) -> None:
    path = tmp_path / "h.edn"
    path.write_text(
        "; a comment\n"
        "[{:type :invoke, :f :cas, :value [0 2], :process 4, :time 10}\n"
        " {:type :info, :f :start, :process :nemesis}\n"
        " {:type :ok, :f :cas, :value [0 2], :process 4, :time 20, :error #{:a}}\n"
        " {:type :invoke, :f :read, :process 3}]\n"
    )
    h = read_edn(path)
    assert [op.type for op in h.ops] == [OpType.INVOKE, OpType.INFO, OpType.OK, OpType.INVOKE]
    assert h.ops[0].value == [0, 2] and h.ops[3].value is None
    assert h.ops[1].process == NEMESIS
    assert h.lines == (2, 3, 4, 5)
    assert [o.index for o in h.ops] == [0, 1, 2, 3]
    ops = h.operations()
    assert [(o.f, o.type) for o in ops] == [("cas", OpType.OK), ("read", OpType.INFO)]


def test_edn_one_map_per_line_and_keyword_values(tmp_path: Path) -> None:
    path = tmp_path / "h.edn"
    path.write_text(
        '{:index 0 :type :invoke :f :txn :value [[:read :x nil]] :process 0 :node "n1"}\n'
        "{:index 1 :type :ok :f :txn :value [[:read :x 3]] :process 0}\n"
    )
    h = read_edn(path)
    assert h.ops[1].value == [["read", "x", 3]]
    assert h.ops[0].node == "n1"


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("[{:type :invoke :f :read :process 0}\n {:type :okk :f :read :process 0}]", 2, "type"),
        ("[{:type :invoke :f :read :process 0}\n {:type :ok :process 0}]", 2, "f"),
        ("[{:type :invoke :f :read :process 0}\n {:type :ok :f :read :process :x}]", 2,
         "process"),
        ("[{:type :invoke :f :read :process 0}\n {:type :ok :f :read :process 0 :time -4}]", 2,
         "time"),
        ("[{:type :invoke :f :read :process 0}\n {:type :ok :f :read :process 0", 2, None),
        ("[{:type :invoke :f :read :process 0}\n {:type :ok :f :write :process 0}]", 2, "f"),
    ],
)
def test_edn_errors_name_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None
) -> None:
    path = tmp_path / "bad.edn"
    path.write_text(text)
    with pytest.raises(HistoryFormatError) as e:
        read_history(path)
    assert (e.value.file, e.value.line, e.value.field) == (str(path), line, field)


def test_jepsen_log_tabs_spaces_and_noise(tmp_path: Path) -> None:
    path = tmp_path / "jepsen.log"
    path.write_text(
        "2017-01-01 10:00:00,000{GMT}\tINFO  [main] jepsen.core - Running test\n"
        "2017-01-01 10:00:00,100{GMT}\tINFO  [w1] jepsen.util - 4\t:invoke\t:cas\t[1 2]\n"
        "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
        "2017-01-01 10:00:00,350{GMT}\tINFO  [w1] jepsen.util - 4  :fail  :cas  [1 2]  :mismatch\n"
        "random line with no op\n"
        "3\t:invoke\t:read\tnil\n"
    )
    h = read_jepsen_log(path)
    assert [(o.process, o.type, o.f) for o in h.ops] == [
        (4, OpType.INVOKE, "cas"), (NEMESIS, OpType.INFO, "start"), (4, OpType.FAIL, "cas"),
        (3, OpType.INVOKE, "read"),
    ]
    assert h.ops[0].value == [1, 2] and h.ops[2].error == "mismatch"
    assert h.ops[2].time == 250_000_000
    assert h.lines == (2, 3, 4, 6)


def test_jepsen_log_bad_value_is_named(tmp_path: Path) -> None:
    path = tmp_path / "history.txt"
    path.write_text("4\t:invoke\t:cas\t[1 2\n")
    with pytest.raises(HistoryFormatError) as e:
        read_history(path)
    assert (e.value.line, e.value.field) == (1, "value")


def test_detection_and_folder_discovery(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "history.jsonl").write_text("")
    (tmp_path / "a" / "controller.log").write_text("")
    (tmp_path / "b.edn").write_text("[]")
    noext = tmp_path / "noext"
    noext.write_text('{"index":0}\n')
    assert detect_format(noext) is HistoryFormat.JSONL
    assert detect_format(tmp_path / "b.edn") is HistoryFormat.EDN
    assert [p.name for p in find_histories([tmp_path])] == ["history.jsonl", "b.edn"]


def test_whole_knossos_corpus_parses_and_pairs() -> None:
    files = sorted((CORPUS / "knossos").rglob("*.edn"))
    assert len(files) >= 120
    empty = 0
    for f in files:
        h = read_edn(f)
        assert h.ops, f
        if not any(op.is_client for op in h.ops):
            # A file of nemesis events only: no operations, never a valid history.
            with pytest.raises(HistoryFormatError, match="no operations found"):
                read_history(f)
            empty += 1
        else:
            assert read_history(f).operations(), f
    assert empty < 5


def test_a_run_directory_gives_only_its_history(tmp_path: Path) -> None:
    # `splitbrain check store/ --model ...`: a run's primaries.jsonl and node logs are no history
    run = tmp_path / "raftkv-register" / "20260101T000000.000"
    (run / "nodes" / "n1").mkdir(parents=True)
    for name in ("test.json", "history.jsonl", "primaries.jsonl", "nodes/n1/raft.jsonl"):
        (run / name).write_text("{}\n")
    (tmp_path / "other.edn").write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in find_histories([tmp_path])] == [
        "other.edn", "raftkv-register/20260101T000000.000/history.jsonl"]
    assert [p.name for p in find_histories([run])] == ["history.jsonl"]


def test_a_json_array_of_ops_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text('[{"index": 0, "time": 0, "type": "invoke", "process": 0, "f": "read"},\n'
                    ' {"index": 1, "time": 1, "type": "ok", "process": 0, "f": "read"}]\n')
    with pytest.raises(HistoryFormatError, match=r"one op object per line.*jq -c"):
        read_history(path)
