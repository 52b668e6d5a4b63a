"""How `params show` and `params set` word a parameter's range, scope and effect timing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.cucm.param_catalog import CATALOGUE, Effect
from commands.domain.param_names import check_value, effect_text, is_clusterwide, range_text
from commands.engine.base import UsageError

PROVIDER = CATALOGUE["max_devices_per_provider"]
TIMER = CATALOGUE["new_call_accept_timer"]


def test_own_ranges_are_marked_and_confirmed_ones_are_not() -> None:
    assert range_text(PROVIDER) == "1-40000 (own)"
    assert range_text(replace(PROVIDER, range_confirmed=True)) == "1-40000"


@pytest.mark.parametrize(
    ("effect", "text"),
    [
        (Effect.UNKNOWN, "unknown"),
        (Effect.AT_ONCE, "at once"),
        (Effect.RESTART, "after a restart of Cisco CallManager"),
    ],
)
def test_effect_timing_names_the_service_to_restart(effect: Effect, text: str) -> None:
    assert effect_text(replace(TIMER, effect=effect)) == text


def test_scope() -> None:
    assert is_clusterwide(PROVIDER) and not is_clusterwide(TIMER)


def test_check_value_warns_outside_the_own_range_and_refuses_what_cucm_cannot_store() -> None:
    assert check_value(PROVIDER, "2500") == (2500, None)
    number, warning = check_value(PROVIDER, "0")
    assert number == 0 and warning is not None and "ctibot's own range" in warning
    with pytest.raises(UsageError, match=r"whole number, not 'x' \(default 2000\)"):
        check_value(PROVIDER, "x")
    with pytest.raises(UsageError, match="beyond what CUCM stores"):
        check_value(PROVIDER, "-2147483649")
