"""Test objects planted straight into the simulator's model, and independent reads of it.

Each test plants its own users and devices so the module-scoped simulator
never carries one test's state into another.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cucmsim.model import Device, User, key


def plant_user(
    sim: Any,
    userid: str,
    devices: Iterable[str] = (),
    groups: Iterable[str] = (),
    *,
    end_user: bool = False,
) -> None:
    with sim.cluster.lock:
        table = sim.cluster.users if end_user else sim.cluster.app_users
        table[key(userid)] = User(
            userid,
            is_app_user=not end_user,
            associated_devices=list(devices),
            groups=list(groups),
        )


def plant_device(sim: Any, name: str, *, port: bool = False, pool: str = "DP_CTI") -> None:
    with sim.cluster.lock:
        sim.cluster.devices[key(name)] = Device(
            name=name,
            product="CTI Port" if port else "CTI Route Point",
            device_class="Phone" if port else "CTI Route Point",
            protocol="SCCP",
            device_pool=pool,
            location="Hub_None",
            extra={"protocolSide": "User", "useTrustedRelayPoint": "Default"},
        )


def plant_phone(sim: Any, name: str, model: str = "Cisco 8845") -> None:
    with sim.cluster.lock:
        sim.cluster.devices[key(name)] = Device(
            name=name,
            product=model,
            device_class="Phone",
            protocol="SIP",
            device_pool="DP_CTI",
            location="Hub_None",
        )


def devices_of(sim: Any, userid: str, *, end_user: bool = False) -> list[str]:
    with sim.cluster.lock:
        table = sim.cluster.users if end_user else sim.cluster.app_users
        return sorted(table[key(userid)].associated_devices)


def groups_of(sim: Any, userid: str, *, end_user: bool = False) -> list[str]:
    with sim.cluster.lock:
        table = sim.cluster.users if end_user else sim.cluster.app_users
        return sorted(table[key(userid)].groups)


def write_count(sim: Any) -> int:
    counted = sim.counters().get("axl", {})
    prefixes = ("add", "update", "remove", "apply", "reset", "restart", "do")
    return sum(n for op, n in counted.items() if op.startswith(prefixes))
