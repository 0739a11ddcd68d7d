"""``serve`` over HTTP on loopback: index, filters, a report, a file, and refusals."""

from __future__ import annotations

import http.client
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.serve import StoreServer, make_server

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def server(store: Path, tmp_path: Path) -> Iterator[StoreServer]:
    root = tmp_path / "store"
    shutil.copytree(store, root, symlinks=True)
    for report in root.rglob("report.html"):
        report.unlink()
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    os.symlink(secret, root / "register" / "20260101T100000.000" / "escape.txt")
    os.symlink(tmp_path, root / "outside")
    os.symlink(root / "set" / "20260101T120000.000", root / "latest")
    srv = make_server(root, host="127.0.0.1", port=0, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


def get(srv: StoreServer, path: str) -> tuple[int, dict[str, str], str]:
    host, port = srv.server_address[0], srv.server_address[1]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", errors="replace")
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def test_binds_loopback(server: StoreServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_index_newest_first_coloured(server: StoreServer) -> None:
    status, headers, body = get(server, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    order = [body.index(ts) for ts in ("20260101T120000.000", "20260101T110000.000",
                                       "20260101T100000.000")]
    assert order == sorted(order)
    assert '<tr class="invalid" data-test="set"' in body
    assert '<tr class="valid" data-test="register"' in body
    assert "3 of 3 runs" in body
    assert "latest" not in body.split("<tbody>")[1]  # the symlink is not a second run


def test_index_filters(server: StoreServer) -> None:
    _, _, body = get(server, "/?verdict=valid")
    assert "1 of 3 runs" in body and "20260101T100000.000" in body
    assert "20260101T110000.000" not in body.split("<tbody>")[1]
    _, _, body = get(server, "/?test=register&verdict=invalid")
    assert "1 of 3 runs" in body and "20260101T110000.000" in body.split("<tbody>")[1]
    _, _, body = get(server, "/?test=nosuch")
    assert "No runs match" in body


def test_report_built_and_served(server: StoreServer) -> None:
    run = "/runs/register/20260101T110000.000"
    status, headers, _ = get(server, run)
    assert status == 301 and headers["location"] == run + "/"
    status, headers, body = get(server, run + "/")
    assert status == 200 and 'data-verdict="invalid"' in body and 'class="stuck-op"' in body
    assert (server.store / "register" / "20260101T110000.000" / "report.html").is_file()
    status, _, body = get(server, run + "/report.html")
    assert status == 200 and "Linearizability counterexamples" in body
    status, _, body = get(server, run + "/?files=1")
    assert status == 200 and 'href="history.jsonl"' in body


def test_file_download(server: StoreServer) -> None:
    status, headers, body = get(server, "/runs/register/20260101T100000.000/nodes/n1/server.log")
    assert status == 200 and body == "n1 up\n"
    assert headers["content-type"] == "text/plain; charset=utf-8"
    status, headers, body = get(server, "/runs/latest/results.json")
    assert status == 200 and '"verdict": "invalid"' in body
    assert headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("path", [
    "/runs/../secret.txt",
    "/runs/%2e%2e/secret.txt",
    "/runs/register/..%2f..%2fsecret.txt",
    "/runs/register/20260101T100000.000/escape.txt",
    "/runs/outside/secret.txt",
    "/runs/./register/",
])
def test_outside_the_store_refused(server: StoreServer, path: str) -> None:
    status, _, body = get(server, path)
    assert status == 403, (path, status)
    assert "top secret" not in body


def test_unknown_paths(server: StoreServer) -> None:
    assert get(server, "/etc/passwd")[0] == 404
    assert get(server, "/runs/register/nope")[0] == 404
