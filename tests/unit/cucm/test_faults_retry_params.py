"""Fault classification, retry policy and the parameter catalogue, without a server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.cucm.errors import (
    Duplicate,
    Fault,
    InvalidReference,
    NotFound,
    OutcomeUnknown,
    Throttled,
    Timeout,
    Unreachable,
)
from bot.cucm.faults import FaultInfo, to_error
from bot.cucm.param_catalog import (
    CATALOGUE,
    LONG_MAX,
    ORDERED_PAIRS,
    Effect,
    Scope,
    fuzzy_match,
    ordered_partner,
    outside_range,
    tokens,
    validate,
)
from bot.cucm.retry import RetryPolicy, is_retryable, run_with_retries


@pytest.mark.parametrize(
    ("operation", "code", "message", "expected"),
    [
        (
            "getCtiRoutePoint",
            5007,
            "Item not valid: The specified CTI Route Point was not found",
            NotFound,
        ),
        ("updateLine", 5007, "Item not valid: The specified Line was not found", NotFound),
        ("updateUser", 5003, "User not found", NotFound),
        (
            "addCtiRoutePoint",
            -239,
            "Could not insert new row - duplicate value in a UNIQUE INDEX",
            Duplicate,
        ),
        (
            "addLine",
            4052,
            "Cannot insert or update pattern. A DN exists with the same pattern",
            Duplicate,
        ),
        (
            "addCtiRoutePoint",
            5003,
            "The specified Device Pool 'DP_X' does not exist",
            InvalidReference,
        ),
        (
            "updateCtiRoutePoint",
            5007,
            "Item not valid: The specified Calling Search Space was not found",
            InvalidReference,
        ),
        ("updateAppUser", 5003, "The specified Device 'X' does not exist", InvalidReference),
        ("updateUser", 5003, "The specified User Group 'G' does not exist", InvalidReference),
        ("updateUserGroup", 5003, "The specified User 'nobody' does not exist", InvalidReference),
        (
            "executeSQLUpdate",
            -691,
            "Missing key in referenced table for referential constraint",
            InvalidReference,
        ),
        ("listLine", -1, "Maximum AXL Memory Allocation Consumed. Please retry", Throttled),
        (
            "selectCtiItem",
            None,
            "AxisFault: Exceeded allowed rate for Reatime information",
            Throttled,
        ),
        ("addLine", 5003, "The first character cannot be a plus sign", Fault),
    ],
)
def test_fault_table(operation: str, code: int | None, message: str, expected: type) -> None:
    error = to_error(FaultInfo(operation, code, message), cluster="lab", obj="X")
    assert type(error) is expected
    assert operation in str(error) and "'X'" in str(error) and "lab" in str(error)


def test_rate_limit_flag() -> None:
    error = to_error(
        FaultInfo("perfmonCollectCounterData", None, "Exceeded allowed rate for Perfmon"),
        cluster="c",
        obj="o",
    )
    assert isinstance(error, Throttled) and error.rate_limited


def test_retry_only_safe_failures() -> None:
    assert is_retryable(Throttled("x"), read=False)
    assert is_retryable(Timeout("x"), read=True)
    assert not is_retryable(Timeout("x"), read=False)
    assert not is_retryable(OutcomeUnknown("x"), read=False)
    assert is_retryable(Unreachable("x", retryable=True), read=False)
    assert not is_retryable(Unreachable("x"), read=True)
    assert not is_retryable(NotFound("x"), read=True)


def test_retry_bounded_and_waits_longer_after_rate_limit() -> None:
    waits: list[float] = []
    calls: list[int] = []
    policy = RetryPolicy(max_attempts=3, base_wait_s=0.5, rate_limit_wait_s=9.0, jitter=False)

    def attempt(number: int) -> str:
        calls.append(number)
        raise Throttled("slow down", rate_limited=number == 1)

    with pytest.raises(Throttled):
        run_with_retries(policy, attempt, read=True, sleep=waits.append)
    assert calls == [1, 2, 3]
    assert waits == [9.0, 1.0]


def test_retry_total_time_bound() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=50, max_total_s=0.0, base_wait_s=1.0)
    with pytest.raises(Throttled):
        run_with_retries(
            policy, lambda n: (_ for _ in ()).throw(Throttled("x")), read=True, sleep=waits.append
        )
    assert waits == []


def test_tokens_normalize() -> None:
    assert tokens("Maximum Devices Per Provider") == tokens("CtiMaxDevicesPerProvider")
    assert tokens("Application Heartbeat Minimum Interval") <= tokens("HeartbeatMinIntApplication")


def test_fuzzy_match_prefers_closest_and_reports_ambiguity() -> None:
    names = ["CtiMaxDevicesPerNode", "CtiMaxDevicesPerNodeWarnLevel", "CtiMaxDevicesPerProvider"]
    assert fuzzy_match("Maximum Devices Per Node", names) == ["CtiMaxDevicesPerNode"]
    assert fuzzy_match(
        "Maximum Devices Per Node", ["AMaxDevicesPerNode", "BMaxDevicesPerNode"]
    ) == [
        "AMaxDevicesPerNode",
        "BMaxDevicesPerNode",
    ]


def test_validate_checks_the_type_and_leaves_the_range_to_a_warning() -> None:
    assert validate("max_devices_per_provider", "2500") == 2500
    assert validate("max_devices_per_provider", 50000) == 50000  # outside our range: allowed
    assert validate("heartbeat_min_interval", str(LONG_MAX)) == LONG_MAX
    with pytest.raises(ValueError, match="beyond what CUCM stores"):
        validate("heartbeat_min_interval", LONG_MAX + 1)
    with pytest.raises(ValueError, match="whole number"):
        validate("heartbeat_min_interval", "five")
    with pytest.raises(ValueError, match="unknown parameter"):
        validate("nope", 1)
    for spec in CATALOGUE.values():
        assert spec.minimum <= spec.default <= spec.maximum


def test_outside_range_says_whose_range_it_is() -> None:
    spec = CATALOGUE["max_devices_per_provider"]
    assert outside_range(spec, 40000) is None
    assert outside_range(spec, 40001) == (
        "Maximum Devices Per Provider 40001 is outside ctibot's own range (not confirmed by "
        "Cisco) 1-40000 devices. CUCM does not check ranges over AXL; make sure this release's "
        "Service Parameter help allows it."
    )
    confirmed = replace(spec, range_confirmed=True)
    assert "outside Cisco's range 1-40000" in (outside_range(confirmed, 0) or "")


def test_catalogue_scope_and_effect() -> None:
    clusterwide = {k for k, s in CATALOGUE.items() if s.scope is Scope.CLUSTERWIDE}
    assert clusterwide == {
        "max_devices_per_provider",
        "max_devices_per_node",
        "heartbeat_min_interval",
        "heartbeat_max_interval",
    }
    assert {s.effect for s in CATALOGUE.values()} == {Effect.UNKNOWN}  # nothing confirmed


def test_ordered_pairs_share_a_service_and_name_each_other() -> None:
    for lower, upper in ORDERED_PAIRS:
        assert CATALOGUE[lower].service == CATALOGUE[upper].service  # one listing holds both
        assert ordered_partner(lower) == (upper, True)
        assert ordered_partner(upper) == (lower, False)
    assert ordered_partner("max_devices_per_node") is None
