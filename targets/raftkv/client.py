"""A blocking client for the Raft KV HTTP API, with the error split the harness needs.

:class:`Unavailable` means the operation certainly did not take effect (the harness records
``fail``); :class:`Indeterminate` means it may or may not have (``info``): timeouts, resets after
the request was sent, and servers that say ``"definite": false``.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse

from harness.kernel.jsontypes import JSON
from harness.shell.keepalive import KeptAlive

__all__ = ["Indeterminate", "RaftKVClient", "RaftKVError", "Unavailable"]


class RaftKVError(Exception):
    """A request did not succeed."""


class Unavailable(RaftKVError):  # noqa: N818 (name fixed by the contract)
    """The operation was certainly not applied."""


class Indeterminate(RaftKVError):  # noqa: N818 (name fixed by the contract)
    """The operation may or may not have been applied."""


class RaftKVClient:
    def __init__(self, host: str, port: int, *, timeout: float = 2.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._http = KeptAlive(host, port, timeout)

    def __enter__(self) -> RaftKVClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: str) -> str | None:
        body = self._call("GET", key)
        value = body.get("value")
        if value is not None and not isinstance(value, str):
            raise Indeterminate(f"server returned a non-string value {value!r}")
        return value

    def put(self, key: str, value: str) -> None:
        self._call("PUT", key, {"value": value})

    def cas(self, key: str, expected: str | None, new: str) -> bool:
        """Compare-and-set; False when the current value is not ``expected``."""
        try:
            self._call("POST", key, {"expected": expected, "new": new}, suffix="/cas")
        except _CasMismatchError:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("DELETE", key)

    def txn(self, ops: list[list[JSON]]) -> list[list[JSON]]:
        """One transaction of micro-ops (``append``/``r``/``w``), applied atomically; returns
        them with reads filled in."""
        body = self._request("POST", "/txn", {"ops": ops})  # type: ignore[dict-item]
        value = body.get("value")
        if not isinstance(value, list) or len(value) != len(ops):
            raise Indeterminate(f"txn answer has no matching micro-ops: {str(value)[:80]}")
        return value  # type: ignore[return-value]

    def status(self) -> dict[str, JSON]:
        return self._request("GET", "/status", None)

    def close(self) -> None:
        self._http.close()

    # -------------------------------------------------------------------------

    def _call(
        self, method: str, key: str, body: dict[str, JSON] | None = None, *, suffix: str = ""
    ) -> dict[str, JSON]:
        path = "/kv/" + urllib.parse.quote(key, safe="") + suffix
        return self._request(method, path, body)

    def _connection(self) -> http.client.HTTPConnection:
        try:
            return self._http.connection()
        except OSError as e:
            raise Unavailable(f"cannot connect to {self.host}:{self.port}: {e}") from e

    def _request(self, method: str, path: str, body: dict[str, JSON] | None) -> dict[str, JSON]:
        conn = self._connection()
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise Indeterminate(f"{method} {path} on {self.host}:{self.port}: {e!r}") from e
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError as e:
            raise Indeterminate(f"{method} {path}: response is not JSON") from e
        if not isinstance(decoded, dict):
            raise Indeterminate(f"{method} {path}: response is not a JSON object")
        if response.status == 200:
            return decoded
        error = str(decoded.get("error", f"HTTP {response.status}"))
        if response.status == 409 and error == "cas mismatch":
            raise _CasMismatchError(error)
        if decoded.get("definite") is True:
            raise Unavailable(error)
        raise Indeterminate(error)


class _CasMismatchError(RaftKVError):
    pass
