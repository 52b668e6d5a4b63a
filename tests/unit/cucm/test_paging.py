"""List paging rules: every list asks for a bounded page, and CUCM's "too large" shrinks it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.cucm.axl import AxlClient
from bot.cucm.axl_base import PAGE_ROWS, smaller_page
from bot.cucm.errors import Fault
from tests.unit.cucm.conftest import capture, recording_client

TOO_LARGE = (
    "Query request too large. Total rows matched: 2816 rows. "
    "Suggestive Row Fetch: less than 844 rows"
)


@pytest.mark.parametrize(
    ("message", "asked", "expected"),
    [
        (TOO_LARGE, 1000, 843),
        (TOO_LARGE, 500, 499),  # a suggestion above the page asked for still shrinks it
        ("Query request too large.", 1000, 500),  # no suggestion: halve
        (TOO_LARGE, 1, None),  # nothing smaller to ask for
        ("Item not valid: The specified Phone was not found", 1000, None),
    ],
)
def test_smaller_page(message: str, asked: int, expected: int | None) -> None:
    assert smaller_page(Fault(-1, message, operation="listPhone"), asked) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.list_cti_ports("CTIP%"),
        lambda c: c.list_lines("70%", "PT_CTI"),
        lambda c: c.list_app_users(),
        lambda c: c.list_route_points(),
    ],
)
def test_every_list_asks_for_one_page_from_the_start(call: Callable[[AxlClient], object]) -> None:
    body = capture(lambda: call(recording_client("12.5")))
    assert body.findtext("skip") == "0"
    assert body.findtext("first") == str(PAGE_ROWS)


def test_a_bounded_list_asks_for_no_more_than_its_limit() -> None:
    body = capture(lambda: recording_client("12.5").list_route_points("RP%", limit=20))
    assert body.findtext("first") == "20"
