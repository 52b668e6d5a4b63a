"""The user kinds: delta merge onto the current lists, delta-based satisfaction, planning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pytest

from bot.cucm.errors import CucmError, NotFound
from bot.cucm.models import AppUser, EndUser
from commands.kinds.catalog import KINDS

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster

from commands.kinds.users import (
    APP_USER,
    END_USER,
    UnknownUser,
    apply_delta,
    plan_association,
    plan_groups,
    plan_user,
    user_state,
)


@dataclass
class FakeAxl:
    app_users: dict[str, AppUser] = field(default_factory=dict)
    end_users: dict[str, EndUser] = field(default_factory=dict)
    writes: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    reads: int = 0

    def get_app_user(self, userid: str) -> AppUser:
        self.reads += 1
        found = self.app_users.get(userid.casefold())
        if found is None:
            raise NotFound("not found", obj=userid)
        return found

    def get_end_user(self, userid: str) -> EndUser:
        self.reads += 1
        found = self.end_users.get(userid.casefold())
        if found is None:
            raise NotFound("not found", obj=userid)
        return found

    def update_app_user(
        self, userid: str, associated_devices: Any = None, groups: Any = None
    ) -> None:
        self.writes.append(("app", userid, associated_devices, groups))
        old = self.app_users[userid.casefold()]
        self.app_users[userid.casefold()] = AppUser(
            old.userid,
            tuple(associated_devices) if associated_devices is not None else old.associated_devices,
            tuple(groups) if groups is not None else old.groups,
        )

    def update_end_user(
        self, userid: str, associated_devices: Any = None, groups: Any = None
    ) -> None:
        self.writes.append(("end", userid, associated_devices, groups))
        old = self.end_users[userid.casefold()]
        self.end_users[userid.casefold()] = EndUser(
            old.userid,
            associated_devices=tuple(associated_devices)
            if associated_devices is not None
            else old.associated_devices,
            groups=tuple(groups) if groups is not None else old.groups,
        )


@dataclass
class FakeCluster:
    axl: FakeAxl
    name: str = "lab"


@pytest.fixture
def axl() -> FakeAxl:
    axl = FakeAxl()
    axl.app_users["ctiapp"] = AppUser("CtiApp", ("RP_A",), ("Standard CTI Enabled",))
    axl.end_users["jsmith"] = EndUser("jsmith", associated_devices=("SEP001",))
    return axl


@pytest.fixture
def cucm(axl: FakeAxl) -> CucmCluster:
    return cast("CucmCluster", FakeCluster(axl))  # the kinds use only .axl and .name


def test_kinds_registered() -> None:
    assert KINDS["app_user"] is APP_USER
    assert KINDS["end_user"] is END_USER
    assert APP_USER.update_op == "updateAppUser"
    assert END_USER.update_op == "updateUser"


def test_read_is_canonical(cucm: CucmCluster, axl: FakeAxl) -> None:
    axl.app_users["x"] = AppUser("x", ("b", "A", "a"), ("G2", "G1"))
    assert APP_USER.read(cucm, "X") == {
        "userid": "x",
        "associated_devices": ["A", "b"],
        "groups": ["G1", "G2"],
    }
    assert APP_USER.read(cucm, "nobody") is None


def test_update_applies_delta_onto_current_lists(cucm: CucmCluster, axl: FakeAxl) -> None:
    before = APP_USER.read(cucm, "CtiApp")
    assert before is not None
    after = {**before, "associated_devices": ["RP_A", "RP_B"]}
    # Someone else associates CTIP1 between our plan and our write.
    axl.update_app_user("CtiApp", associated_devices=["RP_A", "CTIP1"])
    APP_USER.update(cucm, "CtiApp", before, after)
    assert axl.app_users["ctiapp"].associated_devices == ("CTIP1", "RP_A", "RP_B")
    # Groups did not change: not sent (None), so the write touches one list only.
    assert axl.writes[-1] == ("app", "CtiApp", ["CTIP1", "RP_A", "RP_B"], None)


def test_update_without_effective_change_writes_nothing(cucm: CucmCluster, axl: FakeAxl) -> None:
    before = user_state("CtiApp", ["RP_A"], ["Standard CTI Enabled"])
    after = user_state("CtiApp", ["RP_A", "RP_B"], ["Standard CTI Enabled"])
    axl.update_app_user("CtiApp", associated_devices=["RP_A", "rp_b"])
    count = len(axl.writes)
    APP_USER.update(cucm, "CtiApp", before, after)
    assert len(axl.writes) == count


def test_update_of_vanished_user_raises_not_found(cucm: CucmCluster) -> None:
    state = user_state("gone", [], [])
    with pytest.raises(NotFound):
        APP_USER.update(cucm, "gone", state, {**state, "groups": ["G"]})


def test_satisfied_checks_the_delta_not_equality() -> None:
    before = user_state("u", ["A"], [])
    after = user_state("u", ["A", "B"], [])
    assert APP_USER.satisfied(user_state("u", ["A", "b", "C"], ["G"]), before, after)
    assert not APP_USER.satisfied(user_state("u", ["A", "C"], []), before, after)
    removal_after = user_state("u", [], [])
    assert APP_USER.satisfied(user_state("u", ["Z"], []), before, removal_after)
    assert not APP_USER.satisfied(user_state("u", ["a"], []), before, removal_after)
    assert not APP_USER.satisfied(None, before, after)


def test_reverted_keeps_other_changes() -> None:
    before = user_state("u", ["A"], ["G1"])
    after = user_state("u", ["A", "B"], ["G1", "G2"])
    current = user_state("u", ["A", "B", "C"], ["G1", "G2", "G3"])
    assert APP_USER.reverted(current, before, after) == user_state("u", ["A", "C"], ["G1", "G3"])


def test_apply_delta_removal() -> None:
    before = user_state("u", ["A", "B"], [])
    after = user_state("u", ["A"], [])
    assert apply_delta(user_state("u", ["b", "C"], []), before, after)["associated_devices"] == [
        "C"
    ]


def test_create_and_delete_refused(cucm: CucmCluster) -> None:
    with pytest.raises(CucmError, match="does not create"):
        APP_USER.create(cucm, user_state("new", [], []))
    with pytest.raises(CucmError, match="does not remove"):
        END_USER.delete(cucm, "jsmith")


def test_plan_association_step_and_idempotence(cucm: CucmCluster, axl: FakeAxl) -> None:
    step = plan_association(cucm, "ctiapp", add=["RP_B", "rp_a"])
    assert step is not None
    assert step.object_type == "app_user"
    assert step.object_name == "CtiApp"
    assert step.operation == "updateAppUser"
    assert step.after is not None and step.after["associated_devices"] == ["RP_A", "RP_B"]
    assert "RP_B" in step.summary and "CtiApp" in step.summary
    step.run()
    assert axl.app_users["ctiapp"].associated_devices == ("RP_A", "RP_B")
    assert step.verify is not None and step.verify()
    assert plan_association(cucm, "ctiapp", add=["rp_b"]) is None
    assert step.undo is not None
    step.undo()
    assert axl.app_users["ctiapp"].associated_devices == ("RP_A",)


def test_plan_groups_end_user(cucm: CucmCluster, axl: FakeAxl) -> None:
    step = plan_groups(cucm, "jsmith", add=["Standard CTI Enabled"], end_user=True)
    assert step is not None and step.object_type == "end_user"
    step.run()
    assert axl.end_users["jsmith"].groups == ("Standard CTI Enabled",)
    assert plan_groups(cucm, "jsmith", remove=["Nope"], end_user=True) is None


def test_plan_user_reuses_a_given_before_state(cucm: CucmCluster, axl: FakeAxl) -> None:
    before = APP_USER.read(cucm, "ctiapp")
    reads = axl.reads
    step = plan_user(cucm, "ctiapp", add_devices=["X"], add_groups=["G"], before=before)
    assert axl.reads == reads
    assert step is not None
    assert "controlled devices X" in step.summary and "groups G" in step.summary


def test_unknown_user_names_user_and_kind(cucm: CucmCluster) -> None:
    with pytest.raises(UnknownUser, match="No application user `ghost` on cluster lab"):
        plan_association(cucm, "ghost", add=["X"])
    with pytest.raises(UnknownUser, match=r"No end user `ghost`.*drop --end-user"):
        plan_groups(cucm, "ghost", add=["G"], end_user=True)
