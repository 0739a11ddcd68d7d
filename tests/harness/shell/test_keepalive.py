from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness.shell.keepalive import KeptAlive


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_reuses_the_connection_and_reopens_one_the_server_closed() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        http = KeptAlive("127.0.0.1", server.server_address[1], 2.0)
        first = http.connection()
        first.request("GET", "/")
        assert first.getresponse().read() == b"{}"
        assert http.connection() is first  # kept alive
        assert first.sock is not None
        first.sock.shutdown(socket.SHUT_RDWR)  # as if the server had closed it
        again = http.connection()
        assert again is not first
        again.request("GET", "/")
        assert again.getresponse().read() == b"{}"
        http.close()
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_node_raises_oserror() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connection refused
        with pytest.raises(OSError):
            KeptAlive("127.0.0.1", port, 1.0).connection()
