"""Line appearances compared field by field with the change log's after-state."""

from __future__ import annotations

from bot.cucm.models import LineAppearance
from bot.health.checks.line_drift import line_changes

RECORDED = {
    "index": 1,
    "pattern": "7401",
    "partition": "PT_CTI",
    "max_calls": 4,
    "busy_trigger": 2,
    "label": "",
    "display": "",
}


def test_equal_lines_and_empty_versus_missing_text_are_no_change() -> None:
    current = [LineAppearance(1, "7401", "PT_CTI", max_calls=4, busy_trigger=2, label="")]
    assert line_changes([{**RECORDED, "label": None}], current) == {}


def test_each_changed_field_is_named() -> None:
    current = [LineAppearance(1, "7401", None, max_calls=2, busy_trigger=2)]
    assert line_changes([RECORDED], current) == {
        "line 1 partition": {"expected": "PT_CTI", "actual": None},
        "line 1 max calls": {"expected": 4, "actual": 2},
    }


def test_a_line_only_on_one_side_is_reported_whole() -> None:
    extra = LineAppearance(2, "7402", None, 2, 1)
    assert line_changes([RECORDED], [extra]) == {
        "line 1": {"expected": "7401 in PT_CTI", "actual": None},
        "line 2": {"expected": None, "actual": "7402"},
    }
