"""The store browser behind ``splitbrain serve``."""

from reports._index import NO_VERDICT, RunSummary, filter_runs, scan_store
from reports._serve import PathRefusedError, StoreServer, index_page, make_server, resolve

__all__ = [
    "NO_VERDICT",
    "PathRefusedError",
    "RunSummary",
    "StoreServer",
    "filter_runs",
    "index_page",
    "make_server",
    "resolve",
    "scan_store",
]
