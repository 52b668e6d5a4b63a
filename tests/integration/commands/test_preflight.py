"""`/cti preflight` on the demo cluster: good and bad users / device pools, with the fixes."""

from __future__ import annotations

from typing import Any

import pytest

from commands.base import Role, UsageError
from commands.preflight import COMMANDS

(PREFLIGHT,) = COMMANDS


def test_good_app_user_and_device_pool(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    sim.reset_counters()
    reply = plan_only(
        make_ctx(role=Role.VIEWER), PREFLIGHT, app_user="ctiapp_ivr", device_pool="DP_CTI"
    )
    text = reply.as_text()
    assert reply.status == "ok", text
    assert "✗" not in text
    assert "✓ Cisco CTIManager running: started on cucm-sub1, cucm-sub2" in text
    assert "recover on cucm-sub1 > cucm-sub2" in text
    assert "✓ Standard CTI Enabled: member" in text
    assert "ctiapp_ivr controls 1 devices of 2000" in text
    assert not any(op.startswith(("update", "add", "remove")) for op in sim.counters()["axl"])


def test_bad_app_user_and_device_pool_name_the_fixes(make_ctx: Any, plan_only: Any) -> None:
    reply = plan_only(make_ctx(), PREFLIGHT, app_user="ctiapp_rec", device_pool="DP_NOPE")
    text = reply.as_text()
    assert reply.status == "error"
    assert "✗ Device pool DP_NOPE: does not exist (valid: " in text and "DP_CTI" in text
    assert "✗ Standard CTI Enabled: not a member" in text
    assert '`/cti add-user-to-group ctiapp_rec "Standard CTI Enabled"`' in text


def test_pool_on_a_node_without_ctimanager_warns(make_ctx: Any, plan_only: Any) -> None:
    reply = plan_only(make_ctx(), PREFLIGHT, device_pool="Default")
    text = reply.as_text()
    assert reply.status == "warning"
    assert "Cisco CTIManager is not started on cucm-pub" in text
    assert "fix: `/cti service activate cucm-pub`" in text


def test_missing_users_point_at_the_right_kind(make_ctx: Any, plan_only: Any) -> None:
    text = plan_only(make_ctx(), PREFLIGHT, app_user="jsmith").as_text()
    assert "✗ Application user jsmith: does not exist" in text
    assert "--end-user" in text
    end = plan_only(make_ctx(), PREFLIGHT, app_user="jsmith", end_user=True).as_text()
    assert "✓ End user jsmith: exists" in end
    assert '`/cti add-user-to-group jsmith "Standard CTI Enabled" --end-user`' in end
    ghost = plan_only(make_ctx(), PREFLIGHT, app_user="ghost_app").as_text()
    assert "✗ Application user ghost_app: does not exist" in ghost


def test_device_headroom_exhausted(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    key = ("cucm-sub1", "cisco ctimanager", "ctimaxdevicesperprovider")
    with sim.cluster.lock:
        sim.cluster.service_parameters[key].value = "1"
    try:
        text = plan_only(make_ctx(), PREFLIGHT, app_user="ctiapp_ivr").as_text()
    finally:
        with sim.cluster.lock:
            sim.cluster.service_parameters[key].value = "2000"
    assert "✗ Max devices headroom: ctiapp_ivr controls 1 devices of 1 per provider" in text
    assert "`/cti params set max-devices-per-provider 2 --all-nodes`" in text


def test_bad_input_is_a_usage_error(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError):
        plan_only(make_ctx(), PREFLIGHT, app_user="bad user!")
    with pytest.raises(UsageError, match="--end-user"):
        plan_only(make_ctx(), PREFLIGHT, end_user=True)
    assert sim.counters().get("axl", {}) == {}
