"""Consistency models and anomalies as data, with the papers that define them.

>>> from checkers.consistency import boundary
>>> boundary(["G-single"]).not_
('snapshot-isolation', 'repeatable-read')
"""

from __future__ import annotations

from checkers.consistency._answers import (
    SINGLE_OBJECT,
    TRANSACTIONAL,
    Boundary,
    UnknownNameError,
    boundary,
    forbidding,
    generalizations,
    ruled_out,
    stronger,
    weaker,
)
from checkers.consistency._data import ANOMALIES, MODELS, SOURCES, Anomaly, ConsistencyModel

__all__ = [
    "ANOMALIES", "MODELS", "SINGLE_OBJECT", "SOURCES", "TRANSACTIONAL", "Anomaly", "Boundary",
    "ConsistencyModel", "UnknownNameError", "boundary", "forbidding", "generalizations",
    "ruled_out", "stronger", "weaker",
]
