"""The small HTTP/1.1 server: keep-alive, bodies, Connection: close, malformed requests."""

from __future__ import annotations

import asyncio
import json

import pytest

from targets.raftkv._http import Request, Response, serve_http


async def echo(request: Request) -> Response:
    body = json.loads(request.body) if request.body else None
    return Response(status=200, body={"method": request.method, "path": request.path, "got": body})


async def exchange(raw: bytes) -> bytes:
    server = await serve_http("127.0.0.1", 0, echo)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        return data
    finally:
        server.close()
        await server.wait_closed()


def responses(data: bytes) -> list[tuple[int, dict[str, object]]]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        length = next(int(x.split(":")[1]) for x in lines if x.lower().startswith("content-length"))
        out.append((int(lines[0].split()[1]), json.loads(rest[:length])))
        data = rest[length:]
    return out


@pytest.mark.timeout(10)
def test_two_requests_on_one_kept_alive_connection() -> None:
    body = b'{"value": "x"}'
    raw = (
        b"PUT /kv/a HTTP/1.1\r\nHost: h\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        + body
        + b"GET /status HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
    )  # fmt: skip
    (first, second) = responses(asyncio.run(exchange(raw)))
    assert first == (200, {"method": "PUT", "path": "/kv/a", "got": {"value": "x"}})
    assert second == (200, {"method": "GET", "path": "/status", "got": None})


@pytest.mark.timeout(10)
def test_malformed_request_line_is_a_definite_400() -> None:
    ((status, body),) = responses(asyncio.run(exchange(b"NONSENSE\r\n\r\n")))
    assert status == 400
    assert body["definite"] is True


@pytest.mark.timeout(10)
def test_bad_content_length_is_rejected() -> None:
    raw = b"PUT /kv/a HTTP/1.1\r\nContent-Length: nope\r\n\r\n"
    ((status, body),) = responses(asyncio.run(exchange(raw)))
    assert status == 400
    assert "Content-Length" in str(body["error"])
