"""A readiness probe reports the first failure instead of retrying through it."""

from typing import Any

import pytest

from bot.cucm.errors import Throttled


def test_probe_version_does_not_retry(sim: Any, make_cluster: Any) -> None:
    cluster = make_cluster()
    sim.inject_fault("getCCMVersion", "http503", count=1)
    with pytest.raises(Throttled):
        cluster.axl.probe_version()
    sim.inject_fault("getCCMVersion", "http503", count=1)
    assert cluster.axl.get_version().startswith("12.5")
    assert cluster.axl.probe_version().startswith("12.5")
