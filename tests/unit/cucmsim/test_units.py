"""Pure pieces of the simulator: throttle, fault queue, LIKE matching, seed, versions."""

from __future__ import annotations

import pytest
from lxml import etree

from cucmsim.axl.common import filter_tags, like, norm_uuid
from cucmsim.axl.service import is_write
from cucmsim.faults import FaultInjector, WriteThrottle
from cucmsim.model import CTI_MANAGER
from cucmsim.options import SimOptions
from cucmsim.seed import CTI_GROUPS, PARAMETER_DISPLAY_NAMES, build_cluster


def test_throttle_bucket() -> None:
    throttle = WriteThrottle(3)
    assert [throttle.try_acquire() for _ in range(4)] == [True, True, True, False]
    throttle.set_rate(None)
    assert all(throttle.try_acquire() for _ in range(100))


def test_fault_queue_counts_down() -> None:
    faults = FaultInjector()
    faults.inject("addLine", "reset", count=2)
    taken = [faults.take("addLine") for _ in range(3)]
    assert [f.kind if f else None for f in taken] == ["reset", "reset", None]
    with pytest.raises(ValueError):
        faults.inject("addLine", "meltdown")


def test_like_and_uuid_forms() -> None:
    assert like("RP%", "rp_main") and like("70_0", "7000") and not like("70", "7000")
    assert norm_uuid("{ABCD-12}") == norm_uuid("abcd-12")


def test_returned_tags_filter_recurses() -> None:
    obj = etree.fromstring(
        '<rp uuid="{X}"><name>a</name><lines><line><index>1</index><label>x</label></line>'
        "</lines></rp>"
    )
    tags = etree.fromstring("<t><lines><line><index/></line></lines></t>")
    filtered = filter_tags(obj, tags)
    assert etree.tostring(filtered) == (
        b'<rp uuid="{X}"><lines><line><index>1</index></line></lines></rp>'
    )


def test_write_operations() -> None:
    assert is_write("addLine") and is_write("applyCtiRoutePoint") and not is_write("getLine")


def test_seeds() -> None:
    empty = build_cluster(SimOptions(seed="empty", node_count=8))
    assert len(empty.nodes) == 8 and not empty.devices
    assert not any(s.activated for (_, name), s in empty.services.items() if name == CTI_MANAGER)
    assert all(g.casefold() in empty.user_groups for g in CTI_GROUPS)
    for (_, name), display in PARAMETER_DISPLAY_NAMES.items():
        assert name != display.replace(" ", "")
    demo = build_cluster(SimOptions(seed="demo"))
    cti = {node: s.activated for (node, name), s in demo.services.items() if name == CTI_MANAGER}
    assert cti == {"cucm-pub": False, "cucm-sub1": True, "cucm-sub2": True}
    app = demo.applications["ctiapp_ivr"]
    assert (app.primary_node, app.backup_node, app.current_node) == (
        "cucm-sub1",
        "cucm-sub2",
        "cucm-sub1",
    )
