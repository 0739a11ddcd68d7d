"""The etcd gateway client against a small fake gateway (wire format and error mapping)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from targets.etcd.client import EtcdClient, Indeterminate, Unavailable, b64, prefix_end, unb64


class Gateway(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    store: ClassVar[dict[str, str]] = {}
    requests: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    error: ClassVar[tuple[int, str] | None] = None

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.requests.append((self.path, body))
        answer: dict[str, object]
        status = 200
        if Gateway.error is not None:
            status, message = Gateway.error
            answer = {"error": message, "code": 14}
        elif self.path == "/v3/kv/put":
            Gateway.store[unb64(body["key"])] = unb64(body["value"])
            answer = {"header": {}}
        elif self.path == "/v3/kv/range":
            key = unb64(body["key"])
            end = unb64(body["range_end"]) if "range_end" in body else None
            keys = sorted(k for k in Gateway.store
                          if (k == key if end is None else key <= k < end))
            answer = {"kvs": [{"key": b64(k), "value": b64(Gateway.store[k]),
                               "mod_revision": "7"} for k in keys]}
        elif self.path == "/v3/kv/txn":
            cmp = body["compare"][0]
            key = unb64(cmp["key"])
            ok = (key not in Gateway.store if cmp["target"] == "CREATE"
                  else Gateway.store.get(key) == unb64(cmp["value"]))
            if ok:
                put = body["success"][0]["request_put"]
                Gateway.store[key] = unb64(put["value"])
            answer = {"succeeded": True} if ok else {}
        else:
            answer = {"header": {"member_id": "42"}, "leader": "42"}
        raw = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[EtcdClient]:
    Gateway.store, Gateway.requests, Gateway.error = {}, [], None
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = EtcdClient("127.0.0.1", server.server_address[1], timeout=2.0)
    yield client
    client.close()
    server.shutdown()
    server.server_close()


def test_put_get_cas_and_prefix_ranges(gateway: EtcdClient) -> None:
    assert gateway.get("a") is None
    gateway.put("a", "1")
    assert gateway.get("a") == "1"
    assert gateway.cas("a", "2", "3") is False
    assert gateway.cas("a", "1", "3") is True
    assert gateway.cas("b", None, "x") is True
    assert gateway.cas("b", None, "y") is False
    gateway.put("set/1", "1")
    gateway.put("set/2", "1")
    gateway.put("sets", "1")
    assert [kv.key for kv in gateway.range_prefix("set/")] == ["set/1", "set/2"]
    assert gateway.is_leader()
    path, body = Gateway.requests[0]
    assert path == "/v3/kv/range" and base64.b64decode(str(body["key"])) == b"a"
    assert "serializable" not in body


def test_serializable_reads_ask_for_local_state(gateway: EtcdClient) -> None:
    gateway.serializable = True
    gateway.get("k")
    assert Gateway.requests[-1][1]["serializable"] is True


def test_server_errors_are_indeterminate_unless_known_definite(gateway: EtcdClient) -> None:
    Gateway.error = (503, "etcdserver: request timed out")
    with pytest.raises(Indeterminate, match="timed out"):
        gateway.put("a", "1")
    Gateway.error = (429, "etcdserver: too many requests")
    with pytest.raises(Unavailable):
        gateway.put("a", "1")


def test_connection_refused_is_definite() -> None:
    client = EtcdClient("127.0.0.1", 1, timeout=0.5)
    with pytest.raises(Unavailable, match="cannot connect"):
        client.get("a")


def test_prefix_end() -> None:
    assert prefix_end("set/") == "set0"
    assert prefix_end("a") == "b"
