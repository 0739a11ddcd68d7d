"""``splitbrain check`` on register and set histories: the session guarantees next to the
linearizability verdict, so that a non-linearizable history says which weaker guarantees held."""

from __future__ import annotations

from checkers.consistency import SINGLE_OBJECT, boundary
from checkers.session import check_sessions
from checkers.verdict import Verdict
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON

_KINDS = {"register": "register", "cas-register": "register",
          "knossos-cas-register": "register", "set": "set"}


def session_summary(model_name: str, history: History,
                    linearizable: Verdict) -> tuple[dict[str, JSON] | None, str | None]:
    """The JSON summary (``session``: per-guarantee status, anomalies, models ruled out and
    still possible) and one line of text; (None, None) for models without sessions."""
    kind = _KINDS.get(model_name)
    if kind is None:
        return None, None
    result = check_sessions(history, kind=kind)
    anomalies = list(result.anomalies)
    if linearizable is Verdict.INVALID:
        anomalies.append("nonlinearizable")
    b = boundary(anomalies, SINGLE_OBJECT)
    out = result.to_json()
    out["not"], out["also-not"], out["possible"] = list(b.not_), list(b.also_not), \
        list(b.possible)
    held = ", ".join(f"{g} {s.value}" for g, s in result.guarantees.items())
    text = f"session guarantees: {held}; strongest models still possible: " \
           f"{', '.join(b.possible) or 'none'}"
    return {"session": out}, text


__all__ = ["session_summary"]
