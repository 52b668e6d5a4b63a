"""Fixtures for building AXL requests without a server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from bot.cucm.axl import AxlClient, build_axl
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.retry import RetryPolicy
from bot.cucm.soap import RequestRecorded
from bot.cucm.stats import Stats
from bot.cucm.transport import make_session, make_transport

CISCO_SCHEMA_ROOT = Path(__import__("ciscoaxl").__file__).parent / "schema"


def recording_client(version: str, axl_wsdl: Path | None = None) -> AxlClient:
    endpoint = ClusterEndpoint(
        name="dry",
        host="cucm.invalid",
        username="u",
        password="p",
        axl_version=version,
        axl_wsdl=axl_wsdl,
    )
    transport = make_transport(endpoint, make_session(endpoint))
    return build_axl(
        endpoint,
        transport,
        policy=RetryPolicy.none(),
        stats=Stats(),
        recorder=lambda operation, body: None,
    )


def capture(action: Callable[[], object]) -> etree._Element:
    """Run one client method and return the body element it would have sent."""
    with pytest.raises(RequestRecorded) as recorded:
        action()
    return recorded.value.body
