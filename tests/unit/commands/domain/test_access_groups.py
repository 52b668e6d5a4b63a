"""The Standard CTI group names and Cisco's pairing rules."""

from __future__ import annotations

import pytest

from bot.cucm.models import ClusterSecurityMode
from commands.domain.access_groups import (
    ALL_DEVICES,
    CTI_GROUPS,
    ENABLED,
    SECURE,
    SRTP,
    fix_command,
    match_group,
    match_groups,
    rule_warnings,
)
from commands.engine.args import tokenize
from commands.engine.base import UsageError


def test_catalog_has_the_ten_names_with_cisco_spelling() -> None:
    assert len(CTI_GROUPS) == 10
    assert "Standard CTI Allow Control of Phones supporting Connected Xfer and conf" in CTI_GROUPS
    assert "Standard CTI Allow Control of Phones supporting Rollover Mode" in CTI_GROUPS


@pytest.mark.parametrize(
    "typed",
    ["standard cti enabled", "STANDARD CTI ENABLED", "Standard  CTI   Enabled", "enabled"],
)
def test_match_is_case_insensitive_and_returns_cucm_spelling(typed: str) -> None:
    assert match_group(typed) == ENABLED


def test_match_lowercase_supporting_group() -> None:
    typed = "Standard CTI Allow Control of Phones Supporting Connected Xfer and Conf"
    assert match_group(typed).endswith("supporting Connected Xfer and conf")


def test_unknown_group_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError) as info:
        match_group("Standard CTI Superpowers")
    message = str(info.value)
    assert "Standard CTI Superpowers" in message
    assert all(name in message for name in CTI_GROUPS)


def test_match_groups_drops_duplicates_in_order() -> None:
    assert match_groups(["secure connection", "enabled", "ENABLED"]) == [SECURE, ENABLED]


def test_no_warning_for_enabled_alone() -> None:
    assert rule_warnings("app", [ENABLED, "Standard CCM End Users"]) == []


def test_no_warning_without_cti_groups() -> None:
    assert rule_warnings("app", ["Standard CCM End Users"]) == []


MIXED = ClusterSecurityMode(True, "1")
NON_SECURE = ClusterSecurityMode(False, "0")
UNKNOWN = ClusterSecurityMode(None, None, "not found")


def test_all_devices_without_secure_connection_on_a_mixed_mode_cluster() -> None:
    warnings = rule_warnings("ctiapp", [ENABLED, ALL_DEVICES], mode=MIXED)
    assert len(warnings) == 1
    assert SECURE in warnings[0] and "mixed mode" in warnings[0]
    assert "/cti add-user-to-group ctiapp 'Standard CTI Secure Connection'" in warnings[0]


@pytest.mark.parametrize("mode", [NON_SECURE, UNKNOWN, None])
def test_secure_connection_is_never_suggested_without_mixed_mode(
    mode: ClusterSecurityMode | None,
) -> None:
    """Secure Connection on a non-secure cluster stops the provider from opening."""
    (warning,) = rule_warnings("ctiapp", [ENABLED, ALL_DEVICES], mode=mode)
    assert "add-user-to-group" not in warning
    assert "needs a cluster in mixed mode" in warning and "TLS" in warning
    (srtp,) = rule_warnings("rec", [SRTP], end_user=True, mode=mode)
    assert srtp.endswith("'Standard CTI Enabled' --end-user`")
    assert SECURE not in srtp.split("Fix:")[1]


def test_srtp_needs_enabled_and_secure_once_each() -> None:
    warnings = rule_warnings("rec", [SRTP], end_user=True, mode=MIXED)
    assert len(warnings) == 1
    assert ENABLED in warnings[0] and SECURE in warnings[0]
    assert warnings[0].endswith("'Standard CTI Secure Connection' --end-user`")


def test_cti_group_without_enabled() -> None:
    warnings = rule_warnings("rec", ["Standard CTI Allow Call Recording"])
    assert len(warnings) == 1
    assert f"'{ENABLED}'" in warnings[0]


def test_all_rules_satisfied() -> None:
    assert rule_warnings("x", [ENABLED, SECURE, ALL_DEVICES, SRTP]) == []


def test_fix_command_parses_back_to_the_group_names() -> None:
    text = fix_command("app user", [ENABLED, SECURE], end_user=True)
    expected = ["/cti", "add-user-to-group", "app user", ENABLED, SECURE, "--end-user"]
    assert tokenize(text) == expected
