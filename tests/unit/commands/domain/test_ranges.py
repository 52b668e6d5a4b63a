"""Range expansion and the device/DN syntax rules: pure functions, no CUCM."""

from __future__ import annotations

import pytest

from commands.domain import device_args
from commands.domain.ranges import expand, paired
from commands.engine.base import UsageError


def test_braces_keep_zero_padding() -> None:
    assert expand("CTIP{001..003}") == ["CTIP001", "CTIP002", "CTIP003"]
    assert expand("P{8..10}x") == ["P8x", "P9x", "P10x"]


@pytest.mark.parametrize("text", ["7001-7003", "7001..7003"])
def test_number_ranges(text: str) -> None:
    assert expand(text) == ["7001", "7002", "7003"]


def test_plus_prefix_and_single_values() -> None:
    assert expand("+14085550100..14085550101") == [
        "+14085550100",
        "+14085550101",
    ]
    assert expand("CTIP1") == ["CTIP1"]
    assert expand("7001") == ["7001"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CTIP{5..1}", "counts down"),
        ("CTIP{1..501}", "at most 500"),
        ("7001-9999999", "at most 500"),
        ("CTIP{1..2", "Could not read"),
        ("", "empty"),
    ],
)
def test_bad_ranges(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        expand(text)


def test_paired_counts_must_match() -> None:
    assert paired("P{1..2}", "7001-7002") == [("P1", "7001"), ("P2", "7002")]
    with pytest.raises(UsageError, match=r"gives 3 devices but the DN range .* gives 2"):
        paired("P{1..3}", "7001-7002")


def test_device_names_and_dns() -> None:
    assert device_args.device_name("RP_IVR-1.a") == "RP_IVR-1.a"
    for bad in ("", "x" * 16, "RP IVR", "RP/1", "RPé"):
        with pytest.raises(UsageError, match="1 to 15 characters"):
            device_args.device_name(bad)
    for good in ("7001", "+14085557001"):
        assert device_args.dn(good) == good
    assert device_args.dn("\\+14085557001") == "+14085557001"
    for bad in ("70a1", "++1", "7" * 25, "", "70 01", "70XX", "*55#", "\\\\+1"):
        with pytest.raises(UsageError, match="1 to 24 digits"):
            device_args.dn(bad)


@pytest.mark.parametrize(
    "pattern",
    ["7001", "70XX", "*55#", "71[2-5]X", "8[^0]XX", "91X?", "91X+", "9!", "+1408555700X", "!"],
)
def test_route_point_patterns_cucm_accepts(pattern: str) -> None:
    assert device_args.dn_pattern(pattern) == pattern


def test_route_point_pattern_escaped_plus_is_shown_plain() -> None:
    assert device_args.dn_pattern("\\+1408[2-5]XXX") == "+1408[2-5]XXX"


@pytest.mark.parametrize(
    "pattern",
    ["++1", "70a1", "7.XX", "9@", "[]1", "1^2", "[^1][^2]", "+", "?1", "70xx", "X" * 51, ""],
)
def test_route_point_patterns_cucm_refuses_name_the_rule(pattern: str) -> None:
    with pytest.raises(UsageError, match=r"wildcards X \(any digit\), ! \(one or more"):
        device_args.dn_pattern(pattern)


def test_e164_ranges_accept_the_escaped_plus() -> None:
    assert expand("\\+14085550100-14085550101") == ["+14085550100", "+14085550101"]


def test_call_limits() -> None:
    route_point, port = device_args.ROUTE_POINT_MAX_CALLS, device_args.PORT_MAX_CALLS
    assert device_args.call_limits("20", "18", port) == (20, 18)
    assert device_args.call_limits("10000", "9000", route_point) == (10000, 9000)
    assert device_args.call_limits(None, None, port) == (None, None)
    with pytest.raises(UsageError, match=r"`busy-trigger` \(3\) cannot exceed `max-calls` \(2\)"):
        device_args.call_limits("2", "3", port)
    with pytest.raises(UsageError, match="`max-calls` must be between 1 and 10000"):
        device_args.call_limits("10001", None, route_point)
    with pytest.raises(UsageError, match="`max-calls` must be between 1 and 200"):
        device_args.call_limits("201", None, port)
    with pytest.raises(UsageError, match="`busy-trigger` must be between 1 and 200"):
        device_args.call_limits(None, "201", port)
    with pytest.raises(UsageError, match="whole number"):
        device_args.call_limits("many", None, port)


def test_forward_targets() -> None:
    assert device_args.forward_target("6000", "cfna") == "6000"
    assert device_args.forward_target("none", "cfna") == ""
    assert device_args.forward_target(None, "cfna") is None
    assert device_args.forward_target("+14085550100", "cfna") == "+14085550100"
    assert device_args.forward_target("\\+14085550100", "cfna") == "+14085550100"
    for bad in ("voicemail", "60XX", "6[0-1]00"):
        with pytest.raises(UsageError, match="`cfna` destination"):
            device_args.forward_target(bad, "cfna")
