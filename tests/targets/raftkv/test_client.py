"""The client maps server answers and transport failures onto Unavailable / Indeterminate."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from targets.raftkv.client import Indeterminate, RaftKVClient, Unavailable

ANSWERS: dict[str, tuple[int, dict[str, object]]] = {
    "/kv/ok": (200, {"value": "v"}),
    "/kv/none": (200, {"value": None}),
    "/kv/no-leader": (503, {"error": "no leader", "definite": True}),
    "/kv/timeout": (504, {"error": "commit timeout", "definite": False}),
    "/kv/mismatch/cas": (409, {"error": "cas mismatch", "definite": True, "value": "x"}),
    "/kv/swapped/cas": (200, {"ok": True}),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path == "/kv/hang":
            threading.Event().wait(1.0)
        if self.path == "/kv/reset":
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            self.close_connection = True
            return
        status, body = ANSWERS.get(self.path, (404, {"error": "?", "definite": True}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = _answer  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that time out on purpose break the pipe


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_successful_answers(server: tuple[str, int]) -> None:
    with RaftKVClient(*server) as client:
        assert client.get("ok") == "v"
        assert client.get("none") is None
        assert client.cas("swapped", "a", "b") is True
        assert client.cas("mismatch", "a", "b") is False


def test_definite_errors_are_unavailable(server: tuple[str, int]) -> None:
    with RaftKVClient(*server) as client, pytest.raises(Unavailable, match="no leader"):
        client.put("no-leader", "v")


def test_unknown_outcomes_are_indeterminate(server: tuple[str, int]) -> None:
    with RaftKVClient(*server) as client, pytest.raises(Indeterminate, match="commit timeout"):
        client.put("timeout", "v")


def test_socket_timeout_is_indeterminate(server: tuple[str, int]) -> None:
    with RaftKVClient(*server, timeout=0.2) as client, pytest.raises(Indeterminate):
        client.put("hang", "v")


def test_reset_after_sending_is_indeterminate(server: tuple[str, int]) -> None:
    with RaftKVClient(*server) as client, pytest.raises(Indeterminate):
        client.delete("reset")


def test_refused_connection_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with RaftKVClient("127.0.0.1", port) as client, pytest.raises(Unavailable):
        client.get("k")
