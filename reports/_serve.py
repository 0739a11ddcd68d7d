"""``splitbrain serve``: browse the store over HTTP (loopback by default).

Routes: ``/`` the run index (``?test=NAME&verdict=V`` filter it); ``/runs/<path>`` a file or
directory of the store. A run directory shows its report (built on first request if missing).
Only paths inside the store are served: ``..`` and ``.`` segments are refused, and so is any path
that resolves (through symlinks) outside the store.
"""

from __future__ import annotations

import html
import mimetypes
import shutil
import sys
import threading
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from reports._index import NO_VERDICT, RunSummary, filter_runs, scan_store
from reports._page import build_report
from reports._run import REPORT, RunError

RUNS = "/runs/"
_TEXT = {".log", ".jsonl", ".txt", ".edn", ".out", ".err"}
_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 20px 28px; color: #222; }
table { border-collapse: collapse; } th, td { padding: 4px 14px 4px 6px; text-align: left; }
tr.valid td { background: #e5f5e9; } tr.invalid td { background: #fbe3e2; }
tr.unknown td { background: #fbf3d5; } tr.none td { background: #eee; }
.verdict { font-weight: 600; text-transform: uppercase; font-size: 12px; }
tr.valid .verdict { color: #1e7a37; } tr.invalid .verdict { color: #b3302c; }
tr.unknown .verdict { color: #8a6d00; }
form { margin: 10px 0 14px; } select, button { font: inherit; }
"""


class PathRefusedError(Exception):
    """A request path that points outside the store."""


def resolve(store: Path, url_path: str) -> Path:
    """The file or directory of the store that ``url_path`` (below ``/runs/``) names.

    Raises :class:`PathRefusedError` for ``.``/``..`` segments, NUL or backslash characters, and for
    any path that resolves outside the store; ``FileNotFoundError`` if it does not exist.
    """
    root = store.resolve(strict=True)
    segments = [s for s in unquote(url_path).split("/") if s]
    for s in segments:
        if s in (".", "..") or "\x00" in s or "\\" in s:
            raise PathRefusedError(url_path)
    real = root.joinpath(*segments).resolve(strict=True)
    if real != root and not real.is_relative_to(root):
        raise PathRefusedError(url_path)
    return real


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _options(values: Sequence[str], chosen: str) -> str:
    out = ['<option value="">all</option>']
    for v in values:
        sel = " selected" if v == chosen else ""
        out.append(f'<option value="{_esc(v)}"{sel}>{_esc(v)}</option>')
    return "".join(out)


def index_page(runs: list[RunSummary], *, test: str, verdict: str) -> str:
    """The run index, filtered by ``test`` and ``verdict`` (``""`` = any)."""
    shown = filter_runs(runs, test=test, verdict=verdict)
    tests = sorted({r.test for r in runs})
    verdicts = ["valid", "invalid", "unknown", NO_VERDICT]
    rows = []
    for r in shown:
        link = RUNS + quote(r.path) + "/"
        report = "report" if r.has_report else "build report"
        rows.append(
            f'<tr class="{_esc(r.verdict)}" data-test="{_esc(r.test)}" '
            f'data-verdict="{_esc(r.verdict)}"><td>{_esc(r.run)}</td><td>{_esc(r.test)}</td>'
            f'<td class="verdict">{_esc(r.verdict)}</td>'
            f'<td><a href="{_esc(link)}">{report}</a> · '
            f'<a href="{_esc(link)}?files=1">files</a></td></tr>'
        )
    body = "".join(rows) or '<tr><td colspan="4">No runs match.</td></tr>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Splitbrain runs</title><style>{_STYLE}</style></head><body>"
        "<h1>Splitbrain runs</h1>"
        f'<form method="get" action="/">test <select name="test">{_options(tests, test)}</select>'
        f' verdict <select name="verdict">{_options(verdicts, verdict)}</select> '
        '<button type="submit">filter</button></form>'
        f"<p>{len(shown)} of {len(runs)} runs, newest first.</p>"
        "<table><thead><tr><th>run</th><th>test</th><th>verdict</th><th></th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )


def listing_page(store: Path, directory: Path) -> str:
    rel = directory.relative_to(store.resolve()).as_posix()
    items = []
    if rel != ".":
        items.append('<li><a href="../">../</a></li>')
    for p in sorted(directory.iterdir()):
        name = p.name + ("/" if p.is_dir() else "")
        items.append(f'<li><a href="{_esc(quote(name))}">{_esc(name)}</a></li>')
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_esc(rel)}'
            f"</title><style>{_STYLE}</style></head><body><p><a href=\"/\">all runs</a></p>"
            f"<h1>{_esc(rel)}</h1><ul>{''.join(items)}</ul></body></html>")


class StoreServer(ThreadingHTTPServer):
    """An HTTP server over one store directory."""

    daemon_threads = True

    def __init__(self, store: Path, host: str, port: int, *, quiet: bool = False) -> None:
        self.store = store
        self.quiet = quiet
        self.build_lock = threading.Lock()
        super().__init__((host, port), StoreHandler)

    @property
    def url(self) -> str:
        raw, port = self.server_address[0], self.server_address[1]
        host = raw.decode() if isinstance(raw, bytes) else str(raw)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


class StoreHandler(BaseHTTPRequestHandler):
    server: StoreServer
    server_version = "splitbrain"

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            sys.stderr.write(f"serve: {self.address_string()} {format % args}\n")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, page: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, f"{status.value} {status.phrase}: {message}\n".encode(),
                   "text/plain; charset=utf-8")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/":
            runs = scan_store(self.server.store)
            self._html(index_page(runs, test=query.get("test", [""])[0],
                                  verdict=query.get("verdict", [""])[0]))
            return
        if not parts.path.startswith(RUNS):
            self._error(HTTPStatus.NOT_FOUND, "no such page (try / or /runs/)")
            return
        try:
            target = resolve(self.server.store, parts.path[len(RUNS):])
        except PathRefusedError:
            self._error(HTTPStatus.FORBIDDEN, "outside the store")
            return
        except (FileNotFoundError, NotADirectoryError):
            self._error(HTTPStatus.NOT_FOUND, "no such file in the store")
            return
        except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop
            self._error(HTTPStatus.FORBIDDEN, f"cannot open: {e}")
            return
        if target.is_dir():
            self._directory(target, parts.path, files="files" in query)
        else:
            self._file(target)

    def _directory(self, directory: Path, url_path: str, *, files: bool) -> None:
        if not url_path.endswith("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", url_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        report = directory / REPORT
        if not files and not report.is_file():
            with self.server.build_lock:
                try:
                    if not report.is_file():
                        build_report(directory)
                except RunError:
                    pass  # not a run: list it
        if not files and report.is_file():
            self._file(report)
            return
        self._html(listing_page(self.server.store, directory))

    def _file(self, path: Path) -> None:
        content_type, _ = mimetypes.guess_type(path.name)
        if path.suffix in _TEXT or path.name.endswith(".log") or content_type is None:
            content_type = "text/plain"
        if content_type.startswith("text/") or content_type == "application/json":
            content_type += "; charset=utf-8"
        try:
            handle = open(path, "rb")  # noqa: SIM115
        except OSError as e:
            self._error(HTTPStatus.FORBIDDEN, f"cannot open: {e.strerror}")
            return
        with handle:
            size = path.stat().st_size
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(size))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(handle, self.wfile)


def make_server(store: str | Path, *, host: str = "127.0.0.1", port: int = 8080,
                quiet: bool = False) -> StoreServer:
    """A server over ``store`` bound to ``host:port`` (port 0: any free port); call
    ``serve_forever()`` on it, and ``server_close()`` when done."""
    return StoreServer(Path(store), host, port, quiet=quiet)


__all__ = ["PathRefusedError", "StoreServer", "index_page", "make_server", "resolve"]
