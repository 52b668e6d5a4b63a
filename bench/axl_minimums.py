"""The fewest AXL/Serviceability requests each benchmarked /cti job needs, and why.

A minimum is what any correct implementation must send, not what ours sends:
the reads that establish the before-state (so the plan and the no-change verdict
are right), plus one write per changed object. Reference data (device pools,
CallManager groups, the node list, calling search spaces) changes rarely and is
meant to be cached with a TTL, so it is read once per process: on the first
run, never on the re-run, never twice in one run. A confirmed plan is planned
again at click time (the runner refuses to apply a plan CUCM has moved away
from), so its before-state reads count twice; that is the price of the safety
check, not waste.

Counter keys are "<endpoint>.<operation>" as the simulator counts them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Reference data: read once per process (TTL cache), whatever the command.
REFERENCE_OPS = frozenset(
    {"axl.getDevicePool", "axl.getCallManagerGroup", "axl.listProcessNode", "axl.getCss"}
)


@dataclass(frozen=True)
class Case:
    command: str
    text: str
    reads: dict[str, int] = field(default_factory=dict)  # before-state, per plan
    refs: dict[str, int] = field(default_factory=dict)  # reference data, first run only
    writes: dict[str, int] = field(default_factory=dict)  # one per changed object
    rerun_reads: dict[str, int] | None = None  # when the re-run's before-state differs
    why: str = ""

    def minimum(self, *, rerun: bool, confirmed: bool) -> Counter[str]:
        reads = Counter(self.rerun_reads if rerun and self.rerun_reads is not None else self.reads)
        total = reads + reads if confirmed else reads
        if rerun:
            return total
        return total + Counter(self.refs) + Counter(self.writes)


CASES: tuple[Case, ...] = (
    Case(
        "create-routepoint",
        "create-routepoint RP_BENCH 7100 partition=PT_CTI device-pool=DP_CTI",
        reads={"axl.getCtiRoutePoint": 1, "axl.getLine": 1},
        refs={"axl.getDevicePool": 1},
        writes={"axl.addLine": 1, "axl.addCtiRoutePoint": 1, "axl.applyCtiRoutePoint": 1},
        why="route point and its DN read once each; the procedure ends with Apply Config",
    ),
    Case(
        "add-line",
        'add-line 7200 partition=PT_CTI description="bench line"',
        reads={"axl.getLine": 1},
        writes={"axl.addLine": 1},
        why="the DN's before-state, then one add",
    ),
    Case(
        "update-line",
        "update-line 7000 partition=PT_CTI cfna=6001",
        reads={"axl.getLine": 1, "axl.listLine": 1},
        refs={"axl.getCss": 1},
        writes={"axl.updateLine": 1},
        why="the DN's before-state and where its forward target lives (is it reachable "
        "through the forward's CSS?), then one update with only the changed fields",
    ),
    Case(
        "create-ports",
        "create-ports CTIP{01..04} 7301-7304 partition=PT_CTI device-pool=DP_CTI "
        "app-user=ctiapp_rec",
        reads={"axl.listLine": 1, "axl.listPhone": 1, "axl.getAppUser": 1},
        refs={"axl.getDevicePool": 1},
        writes={"axl.addLine": 4, "axl.addPhone": 4, "axl.getAppUser": 1, "axl.updateAppUser": 1},
        rerun_reads={
            "axl.listLine": 1,
            "axl.listPhone": 1,
            "axl.getLine": 4,
            "axl.getPhone": 4,
            "axl.getAppUser": 1,
        },
        why="one list per kind finds which exist whatever the range size; existing ones "
        "are read in full to diff (line appearances are not in listPhone); one write "
        "per DN and port, one association update for all ports",
    ),
    Case(
        "associate-device",
        "associate-device ctiapp_rec RP_MAIN",
        reads={"axl.getAppUser": 1, "axl.getCtiRoutePoint": 1},
        writes={"axl.getAppUser": 1, "axl.updateAppUser": 1},
        rerun_reads={"axl.getAppUser": 1},
        why="the user's device list; the device must exist for a clear refusal, "
        "checked only when it is not already associated",
    ),
    Case(
        "dissociate-device",
        "dissociate-device ctiapp_ivr RP_MAIN",
        reads={"axl.getAppUser": 1},
        writes={"axl.getAppUser": 1, "axl.updateAppUser": 1},
        why="the user's device list; risky, so confirmed; one read-merge-write",
    ),
    Case(
        "remove-routepoint",
        "remove-routepoint RP_MAIN",
        reads={
            "axl.getCtiRoutePoint": 1,
            "axl.executeSQLQuery": 1,
            "axl.getAppUser": 1,
            "axl.getLine": 1,
        },
        writes={
            "axl.getAppUser": 1,
            "axl.updateAppUser": 1,
            "axl.removeCtiRoutePoint": 1,
            "axl.removeLine": 1,
        },
        rerun_reads={"axl.getCtiRoutePoint": 1},
        why="the route point; one query finds the users controlling it (whatever the number "
        "of users), each read for its device list; its DN, to remove it when no other "
        "device shares it; risky, so confirmed",
    ),
    Case(
        "add-user-to-group",
        'add-user-to-group ctiapp_rec "Standard CTI Enabled"',
        reads={"axl.getAppUser": 1},
        writes={"axl.getAppUser": 1, "axl.updateAppUser": 1},
        why="the user's groups, then one read-merge-write",
    ),
    Case(
        "provision-app",
        "provision-app ctiapp_rec routepoint=RP_REC dn=7400 ports=REC{01..02} "
        "port-dns=7401-7402 device-pool=DP_CTI partition=PT_CTI",
        reads={
            "axl.getAppUser": 1,
            "axl.getCtiRoutePoint": 1,
            "axl.getLine": 1,
            "axl.listLine": 1,
            "axl.listPhone": 1,
            "controlcenter.soapGetServiceStatus": 2,
        },
        refs={"axl.getDevicePool": 1, "axl.getCallManagerGroup": 1},
        writes={
            "axl.addCtiRoutePoint": 1,
            "axl.applyCtiRoutePoint": 1,
            "axl.addLine": 3,
            "axl.addPhone": 2,
            "axl.getAppUser": 1,
            "axl.updateAppUser": 1,
        },
        rerun_reads={
            "axl.getAppUser": 1,
            "axl.getCtiRoutePoint": 1,
            "axl.getLine": 3,
            "axl.listLine": 1,
            "axl.listPhone": 1,
            "axl.getPhone": 2,
            "controlcenter.soapGetServiceStatus": 2,
        },
        why="create-routepoint + create-ports + one user update carrying devices and "
        "groups together; Cisco CallManager checked on the pool's CM group nodes (device "
        "recovery) for the warning",
    ),
    Case(
        "params set",
        "params set max-devices-per-provider 2500",
        reads={"axl.listServiceParameter": 3},
        refs={"axl.listProcessNode": 1},
        writes={"axl.updateServiceParameter": 3},
        why="clusterwide, so every node: one list per node resolves the internal name and "
        "reads the value, one write per node; risky, so confirmed",
    ),
    Case(
        "service activate",
        "service activate cucm-pub",
        reads={"controlcenter.soapGetServiceStatus": 1},
        refs={"axl.listProcessNode": 1},
        writes={
            "controlcenter.soapDoServiceDeployment": 1,
            "controlcenter.soapGetServiceStatus": 1,
        },
        why="node name checked against the node list; status before; one deployment "
        "and at least one poll to see it Started; risky, so confirmed",
    ),
    Case(
        "preflight",
        "preflight app-user=ctiapp_ivr device-pool=DP_CTI",
        reads={
            "axl.getAppUser": 1,
            "axl.getCtiRoutePoint": 1,
            "axl.getLine": 1,
            "axl.listServiceParameter": 1,
            "controlcenter.soapGetServiceStatus": 3,
        },
        refs={"axl.getDevicePool": 1, "axl.getCallManagerGroup": 1, "axl.listProcessNode": 1},
        why="the user, the pool's CM group and its nodes, CTIManager and Cisco CallManager "
        "on each of 3 nodes (one Control Center request per node), the per-provider "
        "device limit, and the CFNA/CFOF of the DN on each of the user's route points and "
        "ports",
    ),
    Case(
        "params show",
        "params show",
        reads={"axl.listServiceParameter": 6},
        refs={"axl.listProcessNode": 1},
        why="one list per node and service (3 nodes x CTIManager, CallManager)",
    ),
    Case(
        "service status",
        "service status",
        reads={"controlcenter.soapGetServiceStatus": 3},
        refs={"axl.listProcessNode": 1},
        why="one Control Center status per node",
    ),
)
