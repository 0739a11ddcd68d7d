"""Micro-op spellings: one reader, the same meaning in every transactional model."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers.micro_ops import MicroF, micro_f, spellings
from harness.cli import cli
from harness.kernel.edn import Keyword, Symbol
from harness.kernel.values import FrozenKeyword


def test_every_spelling_as_keyword_or_string() -> None:
    for text, f in (("r", MicroF.READ), ("read", MicroF.READ), ("w", MicroF.WRITE),
                    ("write", MicroF.WRITE), ("append", MicroF.APPEND)):
        assert micro_f(text) is f
        assert micro_f(Keyword(text)) is f
        assert micro_f(FrozenKeyword(text)) is f
        assert micro_f(Symbol(text)) is f
    for other in ("rd", "W", "", "appendx", None, 1, True, ["r"]):
        assert micro_f(other) is None
    assert spellings(MicroF.READ, MicroF.WRITE) == "r|read, w|write"


SPELLINGS = [(":w", ":r"), (":write", ":read"), ('"w"', '"r"'), ('"write"', '"read"'),
             (":w", ":read"), (":write", ":r")]


def _check(tmp_path: Path, text: str, model: str) -> tuple[int, str]:
    path = tmp_path / "h.edn"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["check", str(path), "--model", model])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout + result.stderr


def _rw(w: str, r: str, read: str) -> str:
    return (f"{{:type :invoke, :f :txn, :value [[{w} :x 1] [{w} :y 2]], :process 0}}\n"
            f"{{:type :ok, :f :txn, :value [[{w} :x 1] [{w} :y 2]], :process 0}}\n"
            f"{{:type :invoke, :f :txn, :value [[{r} :x nil] [{r} :y nil]], :process 1}}\n"
            f"{{:type :ok, :f :txn, :value [[{r} :x 1] [{r} :y {read}]], :process 1}}\n")


@pytest.mark.parametrize(("w", "r"), SPELLINGS)
@pytest.mark.parametrize("model", ["multi-register", "rw-register"])
def test_register_transactions_read_alike_in_every_model(tmp_path: Path, w: str, r: str,
                                                         model: str) -> None:
    code, out = _check(tmp_path, _rw(w, r, "2"), model)
    assert code == 0, out
    code, out = _check(tmp_path, _rw(w, r, "3"), model)  # y was never 3
    assert code == 1, out


@pytest.mark.parametrize("r", [":r", ":read", '"r"', '"read"'])
def test_list_append_reads_in_every_spelling(tmp_path: Path, r: str) -> None:
    text = ("{:type :invoke, :f :txn, :value [[:append :x 1]], :process 0}\n"
            "{:type :ok, :f :txn, :value [[:append :x 1]], :process 0}\n"
            f"{{:type :invoke, :f :txn, :value [[{r} :x nil]], :process 1}}\n"
            f"{{:type :ok, :f :txn, :value [[{r} :x [1]]], :process 1}}\n")
    assert _check(tmp_path, text, "list-append")[0] == 0
    assert _check(tmp_path, text.replace(":x [1]", ":x [2]"), "list-append")[0] == 1


@pytest.mark.parametrize(
    ("model", "mop", "expected"),
    [("rw-register", ":append", "w|write, r|read"), ("list-append", ":write", "append, r|read"),
     ("multi-register", ":append", "r|read, w|write"), ("rw-register", ":cas", "w|write")],
)
def test_a_function_the_model_does_not_have_is_254_naming_the_spellings(
    tmp_path: Path, model: str, mop: str, expected: str
) -> None:
    text = (f"{{:type :invoke, :f :txn, :value [[{mop} :x 1]], :process 0}}\n"
            f"{{:type :ok, :f :txn, :value [[{mop} :x 1]], :process 0}}\n")
    code, out = _check(tmp_path, text, model)
    assert code == 254 and "line 1" in out and "field 'value'" in out and expected in out, out
