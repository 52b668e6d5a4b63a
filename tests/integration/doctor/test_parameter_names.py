"""Doctor check 5, service parameters, on a release whose internal names differ."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.cucm.param_catalog import CATALOGUE
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.integration.commands.conftest import AXL_XSD, WSDL_DIR
from tests.integration.doctor.helpers import doctor_json, findings

PINNED = (
    'max_devices_per_provider = "ProviderDeviceCeiling", max_devices_per_node = "NodeDeviceCeiling"'
)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    options = SimOptions(seed="renamed", strict=True, axl_xsd=AXL_XSD, wsdl_dir=WSDL_DIR)
    with SimServer(options) as server:
        yield server


def test_unresolved_names_fail_with_candidates_and_the_param_names_line(write_config) -> None:
    code, document = doctor_json(write_config())
    found = findings(document, "params")
    provider = found["max_devices_per_provider"]
    assert provider["mark"] == "fail"
    assert "MaxDevicesPerProvider, MaximumDevicesPerProvider" in provider["detail"]
    assert "ProviderDeviceCeiling" in provider["detail"]  # what the node has
    assert provider["fix"].splitlines()[0] == (
        f"In the cluster's config section: param_names = {{ {PINNED} }}"
    )
    assert found["max_devices_per_node"]["mark"] == "fail"
    # renamed, yet still found from the display name's words
    assert found["new_call_accept_timer"]["mark"] == "pass"
    assert "CTINewCallAcceptTimeout" in found["new_call_accept_timer"]["detail"]
    assert findings(document, "limits")["doclab"]["mark"] == "skip"
    assert code == 1


def test_the_suggested_line_makes_every_concept_resolve(write_config) -> None:
    code, document = doctor_json(write_config(lines=(f"param_names = {{ {PINNED} }}",)))
    found = findings(document, "params")
    assert set(found) == set(CATALOGUE)
    assert {f["mark"] for f in found.values()} == {"pass"}, found
    assert "ProviderDeviceCeiling" in found["max_devices_per_provider"]["detail"]
    assert findings(document, "limits")["CTIManager on cucm-sub1"]["mark"] == "pass"
    assert code == 0


def test_a_configured_name_the_cluster_lacks_is_named(write_config) -> None:
    line = 'param_names = { max_devices_per_node = "NoSuchName" }'
    code, document = doctor_json(write_config(lines=(line,)))
    node = findings(document, "params")["max_devices_per_node"]
    assert node["mark"] == "fail" and "the configured name NoSuchName" in node["detail"]
    assert 'max_devices_per_node = "NodeDeviceCeiling"' in node["fix"]
    assert code == 1
