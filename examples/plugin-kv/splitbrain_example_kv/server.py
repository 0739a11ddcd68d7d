"""A tiny key-value server over HTTP, standard library only: one primary, asynchronous replicas.

    python -m splitbrain_example_kv.server --host ADDR --port PORT --data FILE \
        [--primary --replicas HOST:PORT,...]

With ``--primary`` it serves ``PUT /kv/KEY`` (body: a JSON value),
``POST /cas/KEY`` (body ``[expected, new]``, answers ``true`` or ``false``) and ``GET /kv/KEY``
(answers the JSON value, ``null`` if absent). Every write is on disk (fsync) before it is
acknowledged, then copied to the replicas in the background, in order, retried until they take
it. Without ``--primary`` it is a replica: it serves reads and ``POST /replicate``; writes get
503. ``GET /status`` answers the role.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Store:
    """The data, its file, and the sequence number of the last write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()  # a cas holds it while it writes
        self.seq, self.data = 0, dict[str, object]()
        if path.exists():  # restarted: the data of before
            saved = json.loads(path.read_text())
            self.seq, self.data = saved["seq"], saved["data"]

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w") as f:
            json.dump({"seq": self.seq, "data": self.data}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


class Replicator:
    """Sends each write to one replica, in order, until it is taken."""

    def __init__(self, address: str) -> None:
        self.url = f"http://{address}/replicate"
        self.pending: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            body = self.pending.get()
            while True:
                try:
                    request = urllib.request.Request(self.url, data=body, method="POST")
                    urllib.request.urlopen(request, timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)


def handler(
    store: Store, primary: bool, replicas: list[Replicator]
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request would drown the node's log

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> object:
            return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

        def do_GET(self) -> None:
            if self.path == "/status":
                self._answer(200, {"role": "primary" if primary else "replica"})
            elif self.path.startswith("/kv/"):
                with store.lock:
                    self._answer(200, store.data.get(self.path[4:]))
            else:
                self._answer(404, "no such path")

        def do_PUT(self) -> None:
            if not (primary and self.path.startswith("/kv/")):
                self._answer(503, "not the primary")
                return
            self._write(self.path[4:], self._body())
            self._answer(200, True)

        def do_POST(self) -> None:
            body = self._body()
            if self.path == "/replicate" and not primary and isinstance(body, dict):
                with store.lock:
                    if body["seq"] > store.seq:
                        store.seq, store.data[body["key"]] = body["seq"], body["value"]
                        store.save()
                self._answer(200, True)
            elif self.path.startswith("/cas/") and primary and isinstance(body, list):
                key, (expected, new) = self.path[5:], body
                with store.lock:  # compare and set under one lock hold: atomic
                    swapped = store.data.get(key) == expected
                    if swapped:
                        self._write(key, new)
                self._answer(200, swapped)
            else:
                self._answer(503, "not the primary")

        def _write(self, key: str, value: object) -> None:
            with store.lock:
                store.seq += 1
                store.data[key] = value
                store.save()  # on disk before the answer: an acknowledged write survives kill -9
                record = json.dumps({"seq": store.seq, "key": key, "value": value}).encode()
                for replica in replicas:
                    replica.pending.put(record)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--primary", action="store_true")
    parser.add_argument("--replicas", default="", help="HOST:PORT,... (of the primary)")
    args = parser.parse_args()
    store = Store(args.data)
    replicas = [Replicator(a) for a in args.replicas.split(",") if a]
    server = ThreadingHTTPServer((args.host, args.port), handler(store, args.primary, replicas))
    role = "primary" if args.primary else "replica"
    print(f"{role} on {args.host}:{args.port}, {len(store.data)} keys", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
