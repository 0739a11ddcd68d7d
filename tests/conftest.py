"""Shared test configuration.

Integration tests need root (network namespaces, iptables) and the Debian packages that
``scripts/setup`` installs. Outside CI a non-root developer sees them skipped with the reason; in CI
(``CI=true``) a missing prerequisite is an error, never a silent skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge results, never speed: the machine may be loaded (2 cores, CI, parallel
# work), so hypothesis's per-example deadline and too-slow health check are off everywhere.
settings.register_profile(
    "splitbrain", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("splitbrain")

pytest_plugins = ["pytester"]  # tests of the splitbrain pytest plugin run pytest inside pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.geteuid() == 0:
        return
    reason = "integration tests need root (network namespaces, iptables)"
    for item in items:
        if item.get_closest_marker("integration") is not None:
            if os.environ.get("CI") == "true":
                raise pytest.UsageError(f"CI must run as root: {reason}")
            item.add_marker(pytest.mark.skip(reason=reason))
