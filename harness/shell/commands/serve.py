"""``splitbrain serve``: browse the store's runs and reports in a web browser."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import click

from checkers.verdict import ExitCode
from reports.serve import make_server


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command("serve")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=Path("store"),
              show_default=True, help="The store to browse.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (loopback by default; the store is not authenticated).")
def command(store: Path, port: int, host: str) -> None:
    """List runs newest first, coloured by verdict and filterable; serve their reports and files.

    Only files inside the store are served. Stop with Ctrl-C.
    """
    if not store.is_dir():
        click.echo(f"splitbrain serve: {store}: no such store directory", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    try:
        server = make_server(store, host=host, port=port)
    except OSError as e:
        click.echo(f"splitbrain serve: cannot listen on {host}:{port}: {e.strerror}", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    if not _is_loopback(host):
        click.echo(f"splitbrain serve: warning: {host} is not a loopback address; anyone who "
                   "can reach it can read the store", err=True)
    click.echo(f"serving {store.resolve()} at {server.url} (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
