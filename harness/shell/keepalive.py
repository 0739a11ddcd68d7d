"""One kept-alive HTTP connection to a node, reopened when the server has closed it.

Shared by the target clients (Raft KV, etcd) that talk JSON over HTTP/1.1.
"""

from __future__ import annotations

import http.client
import select
import socket


class KeptAlive:
    """A lazily opened ``HTTPConnection`` with ``TCP_NODELAY``.

    :meth:`connection` raises ``OSError`` when the node cannot be reached; callers turn that into
    their own "definitely not applied" error, since nothing was sent.
    """

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def connection(self) -> http.client.HTTPConnection:
        conn = self._conn
        if conn is not None and conn.sock is not None:
            # A kept-alive connection the server closed (e.g. it restarted) reads as ready.
            readable, _, _ = select.select([conn.sock], [], [], 0)
            if readable:
                self.close()
                conn = None
        if conn is None or conn.sock is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                conn.connect()
            except OSError:
                conn.close()
                raise
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._conn = conn
        return conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


__all__ = ["KeptAlive"]
