"""Every object kind ctibot writes, listed here and only here.

Apply, undo and crash recovery look a recorded change's `object_type` up in
`KINDS`, which `commands/catalog.py` hands to the runner (the engine, which the
kinds build on, does not import it). An explicit table, not kinds registering
themselves when imported: whichever module a process imports first, every kind
is found, so a change is never reported as one that "cannot be re-read" for
want of an import.
"""

from __future__ import annotations

from collections.abc import Mapping

from commands.engine.objects import ObjectKind
from commands.kinds.devices import CTI_PORT, ROUTE_POINT
from commands.kinds.lines import LINE
from commands.kinds.service_parameter import SERVICE_PARAMETER
from commands.kinds.services import SERVICE
from commands.kinds.users import APP_USER, END_USER

KINDS: Mapping[str, ObjectKind] = {
    kind.name: kind
    for kind in (LINE, ROUTE_POINT, CTI_PORT, APP_USER, END_USER, SERVICE, SERVICE_PARAMETER)
}
