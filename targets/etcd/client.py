"""A blocking etcd v3 client over the JSON gateway (``/v3/kv/*``), with a kept-alive connection.

Keys and values are base64 on the wire. :class:`Unavailable` means the request certainly did not
take effect (the connection could not be opened, or etcd refused it before proposing);
:class:`Indeterminate` means it may have (timeouts, resets after sending, most server errors).
"""

from __future__ import annotations

import base64
import http.client
import json
from dataclasses import dataclass

from harness.kernel.jsontypes import JSON
from harness.shell.keepalive import KeptAlive


class EtcdError(Exception):
    """A request did not succeed."""


class Unavailable(EtcdError):  # noqa: N818 (mirrors the Raft KV client's names)
    """Certainly not applied."""


class Indeterminate(EtcdError):  # noqa: N818
    """Maybe applied."""


DEFINITE_ERRORS = ("etcdserver: not capable", "etcdserver: too many requests",
                   "etcdserver: request is too large")
"""Server errors returned before a proposal is made (so certainly not applied)."""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def unb64(text: str) -> str:
    return base64.b64decode(text).decode()


def prefix_end(prefix: str) -> str:
    """The ``range_end`` that selects every key starting with ``prefix`` (ASCII prefixes)."""
    raw = prefix.encode()
    return (raw[:-1] + bytes([raw[-1] + 1])).decode()


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyValue:
    key: str
    value: str
    mod_revision: int


class EtcdClient:
    """get / put / cas / range / status against one member."""

    def __init__(self, host: str, port: int, *, timeout: float = 2.0,
                 serializable: bool = False) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.serializable = serializable
        self._http = KeptAlive(host, port, timeout)

    # --- KV ---------------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        kv = self.get_kv(key)
        return None if kv is None else kv.value

    def get_kv(self, key: str) -> KeyValue | None:
        body: dict[str, JSON] = {"key": b64(key)}
        if self.serializable:
            body["serializable"] = True
        kvs = _kvs(self._request("/v3/kv/range", body))
        return kvs[0] if kvs else None

    def range_prefix(self, prefix: str) -> list[KeyValue]:
        body: dict[str, JSON] = {"key": b64(prefix), "range_end": b64(prefix_end(prefix))}
        if self.serializable:
            body["serializable"] = True
        return _kvs(self._request("/v3/kv/range", body))

    def put(self, key: str, value: str) -> None:
        self._request("/v3/kv/put", {"key": b64(key), "value": b64(value)})

    def cas(self, key: str, expected: str | None, new: str) -> bool:
        """Put ``new`` if the value is ``expected`` (None: the key is absent); True if swapped."""
        compare: dict[str, JSON]
        if expected is None:
            compare = {"key": b64(key), "result": "EQUAL", "target": "CREATE",
                       "create_revision": "0"}
        else:
            compare = {"key": b64(key), "result": "EQUAL", "target": "VALUE",
                       "value": b64(expected)}
        return self._txn(compare, key, new)

    def cas_revision(self, key: str, mod_revision: int, new: str) -> bool:
        """Put ``new`` if the key was last modified at ``mod_revision`` (0: absent)."""
        compare: dict[str, JSON] = {"key": b64(key), "result": "EQUAL", "target": "MOD",
                                    "mod_revision": str(mod_revision)}
        return self._txn(compare, key, new)

    def _txn(self, compare: dict[str, JSON], key: str, new: str) -> bool:
        answer = self._request("/v3/kv/txn", {
            "compare": [compare],
            "success": [{"request_put": {"key": b64(key), "value": b64(new)}}],
        })
        return answer.get("succeeded") is True  # the gateway omits false

    def txn_if_unchanged(self, revisions: dict[str, int], puts: dict[str, str]) -> bool:
        """One etcd txn: if every key in ``revisions`` still has that mod revision (0: absent),
        put ``puts``. True if it committed."""
        compare: list[JSON] = [{"key": b64(k), "result": "EQUAL", "target": "MOD",
                                "mod_revision": str(r)} for k, r in revisions.items()]
        success: list[JSON] = [{"request_put": {"key": b64(k), "value": b64(v)}}
                               for k, v in puts.items()]
        answer = self._request("/v3/kv/txn", {"compare": compare, "success": success})
        return answer.get("succeeded") is True

    def status(self) -> dict[str, JSON]:
        return self._request("/v3/maintenance/status", {})

    def is_leader(self) -> bool:
        status = self.status()
        header = status.get("header")
        member = header.get("member_id") if isinstance(header, dict) else None
        leader = status.get("leader")
        return member is not None and leader is not None and str(member) == str(leader)

    def close(self) -> None:
        self._http.close()

    # --- transport ----------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        try:
            return self._http.connection()
        except OSError as e:
            raise Unavailable(f"cannot connect to {self.host}:{self.port}: {e}") from e

    def _request(self, path: str, body: dict[str, JSON]) -> dict[str, JSON]:
        conn = self._connection()
        try:
            conn.request("POST", path, body=json.dumps(body).encode(),
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise Indeterminate(f"{path} on {self.host}:{self.port}: {e!r}") from e
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError:
            self.close()
            raise Indeterminate(f"{path}: response is not JSON: {raw[:200]!r}") from None
        if not isinstance(decoded, dict):
            raise Indeterminate(f"{path}: response is not a JSON object")
        if response.status == 200 and "error" not in decoded:
            return decoded
        message = str(decoded.get("error") or decoded.get("message") or f"HTTP {response.status}")
        if any(message.startswith(d) for d in DEFINITE_ERRORS):
            raise Unavailable(f"{path}: {message}")
        raise Indeterminate(f"{path}: {message}")


def _kvs(answer: dict[str, JSON]) -> list[KeyValue]:
    raw = answer.get("kvs")
    if not isinstance(raw, list):
        return []
    out: list[KeyValue] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        key, value, rev = item.get("key"), item.get("value", ""), item.get("mod_revision", "0")
        if not isinstance(key, str) or not isinstance(value, str):
            raise Indeterminate(f"malformed kv in range answer: {item!r}")
        out.append(KeyValue(key=unb64(key), value=unb64(value), mod_revision=int(str(rev))))
    return out


__all__ = [
    "EtcdClient", "EtcdError", "Indeterminate", "KeyValue", "Unavailable", "b64", "prefix_end",
    "unb64",
]
