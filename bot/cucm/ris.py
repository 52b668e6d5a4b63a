"""RISService70: which CTI applications, devices and lines are open, and where.

RIS answers for the whole cluster from any node, one ``CtiNode`` per CUCM node; the node an
item is listed under is the CTIManager currently serving it (that is how failover shows).
RIS is rate limited (docs/cucm-interfaces.md#throttling), so callers should poll sparingly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from bot.cucm.convert import field, items, optional_int, text
from bot.cucm.dn import from_wire
from bot.cucm.models import CmDevice, CtiItem
from bot.cucm.serviceability import unwrap
from bot.cucm.soap import SoapService

CtiClass = Literal["Provider", "Device", "Line"]
CtiStatus = Literal["Any", "Open", "Closed", "OpenFailed", "Unknown"]
MAX_DEVICES_PER_QUERY = 1000
MAX_ITEMS_PER_CALL = 1000  # RIS answers at most this many CTI items per call
# A provider may hold several thousand devices (the limits are soft); this bounds the paging
# loop so an answer whose StateInfo never ends cannot keep it going.
MAX_PAGES = 50


def _cti_item(node: str, raw: Any) -> CtiItem:
    device = field(raw, "CtiDevice")
    line = field(raw, "CtiLine")
    return CtiItem(
        node=node,
        app_id=text(raw, "AppId"),
        user_id=text(raw, "UserId"),
        ip=text(raw, "AppIpAddr") or text(raw, "AppIpv6Addr"),
        app_status=text(raw, "AppStatus"),
        device_name=text(device, "DeviceName"),
        device_status=text(device, "DeviceStatus"),
        dir_number=from_wire(text(line, "DirNumber")),
        line_status=text(line, "LineStatus"),
    )


def _cm_device(node: str, raw: Any) -> CmDevice:
    return CmDevice(
        node=node,
        name=text(raw, "Name"),
        status=text(raw, "Status"),
        device_class=text(raw, "DeviceClass"),
        model=optional_int(field(raw, "Model")),
        dir_number=from_wire(text(raw, "DirNumber")),
        is_cti_controllable=str(field(raw, "IsCtiControllable")).lower() == "true",
        login_user_id=text(raw, "LoginUserId"),
        protocol=text(raw, "Protocol"),
    )


def _nodes(response: Any, returned: str, result: str, container: str) -> list[Any]:
    """The per-node entries of a RIS answer (``<returned>/<result>/<container>/item``)."""
    return items(field(unwrap(response, returned), result), container, "item")


def _cti_page(response: Any) -> tuple[list[CtiItem], int | None, str]:
    """One selectCtiItem answer: its items, TotalItemsFound and the StateInfo to continue."""
    returned = unwrap(response, "selectCtiItemReturn")
    found = field(returned, "SelectCtiItemResult")
    page: list[CtiItem] = []
    for cti_node in items(found, "CtiNodes", "item"):
        name = text(cti_node, "Name")
        page.extend(_cti_item(name, raw) for raw in items(cti_node, "CtiItems", "item"))
    return page, optional_int(field(found, "TotalItemsFound")), text(returned, "StateInfo")


class RisClient:
    """Real-time CTI and registration state."""

    def __init__(self, service: SoapService) -> None:
        self._soap = service

    def select_cti_items(
        self,
        cti_class: CtiClass,
        *,
        status: CtiStatus = "Any",
        node: str | None = None,
        app_users: Sequence[str] = (),
        devices: Sequence[str] = (),
        max_items: int = MAX_ITEMS_PER_CALL,
    ) -> list[CtiItem]:
        """Every matching item: RIS returns a page per call and a StateInfo for the next one,
        until everything it found (TotalItemsFound) has been handed over."""
        criteria = {
            "MaxReturnedItems": max_items,
            "CtiMgrClass": cti_class,
            "Status": status,
            "NodeName": node,
            "SelectAppBy": "UserId" if app_users else "AppId",
            "AppItems": {"item": [{"AppItem": u} for u in app_users]} if app_users else None,
            "DevNames": {"item": [{"DevName": d} for d in devices]} if devices else None,
            "DirNumbers": None,
        }
        result: list[CtiItem] = []
        state = ""
        for _ in range(MAX_PAGES):
            response = self._soap.call(
                "selectCtiItem",
                read=True,
                obj=cti_class,
                StateInfo=state,
                CtiSelectionCriteria=criteria,
            )
            page, total, state = _cti_page(response)
            result.extend(page)
            if not state or not page or (total is not None and len(result) >= total):
                break
        return result

    def select_cm_devices(self, names: Sequence[str], *, node: str | None = None) -> list[CmDevice]:
        """Registration state of named devices (a device may appear under several nodes)."""
        if len(names) > MAX_DEVICES_PER_QUERY:
            raise ValueError(f"at most {MAX_DEVICES_PER_QUERY} devices per query")
        criteria = {
            "MaxReturnedDevices": MAX_DEVICES_PER_QUERY,
            "DeviceClass": "Any",
            "Model": 255,
            "Status": "Any",
            "NodeName": node,
            "SelectBy": "Name",
            "SelectItems": {"item": [{"Item": name} for name in names]},
            "Protocol": "Any",
            "DownloadStatus": "Any",
        }
        response = self._soap.call(
            "selectCmDevice",
            read=True,
            obj=", ".join(names)[:80],
            StateInfo="",
            CmSelectionCriteria=criteria,
        )
        result: list[CmDevice] = []
        for cm_node in _nodes(response, "selectCmDeviceReturn", "SelectCmDeviceResult", "CmNodes"):
            name = text(cm_node, "Name")
            result.extend(_cm_device(name, raw) for raw in items(cm_node, "CmDevices", "item"))
        return result
