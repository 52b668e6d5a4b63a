"""Who may call what: CUCM authorizes each API by the roles of the caller's access control groups.

Roles are read from the cluster model at every request (the user's groups, then each group's
roles), so a change made over AXL (a user added to or removed from a group) takes effect at
once, as on CUCM. What each API needs, and how sure we are (docs/cucm-permissions.md):

- AXL: any request needs Standard AXL API Access, or for reads only Standard AXL Read Only API
  Access; a caller without them gets HTTP 403 (public client code maps 403 to "no AXL role").
- Control Center, RIS, PerfMon: Standard CCM Admin Users and Standard RealtimeAndTraceCollection
  (public sources); a Control Center write (activate, start, stop) also Standard SERVICEABILITY
  (assumed). A caller without them gets HTTP 403 (assumed).
- A read-only AXL account sending a write gets HTTP 403 too (assumed).
"""

from __future__ import annotations

from cucmsim.model import Cluster, key

AXL_FULL = "Standard AXL API Access"
AXL_READ_ONLY = "Standard AXL Read Only API Access"
ADMIN_USERS = "Standard CCM Admin Users"
REALTIME = "Standard RealtimeAndTraceCollection"
SERVICEABILITY = "Standard SERVICEABILITY"

CONTROL_CENTER_WRITES = frozenset({"soapDoServiceDeployment", "soapDoControlServices"})
SERVICEABILITY_ENDPOINTS = frozenset({"controlcenter", "ris", "perfmon"})


def roles_of(cluster: Cluster, userid: str) -> frozenset[str]:
    """The case-folded roles the user holds through its access control groups."""
    with cluster.lock:
        user = cluster.app_users.get(key(userid)) or cluster.users.get(key(userid))
        if user is None:
            return frozenset()
        roles: set[str] = set()
        for name in user.groups:
            group = cluster.user_groups.get(key(name))
            if group is not None:
                roles.update(key(role) for role in group.roles)
        return frozenset(roles)


def allowed(cluster: Cluster, userid: str, endpoint: str, operation: str, write: bool) -> bool:
    """Whether CUCM would let this user send ``operation`` to ``endpoint``."""
    roles = roles_of(cluster, userid)
    if endpoint == "axl":
        if key(AXL_FULL) in roles:
            return True
        return not write and key(AXL_READ_ONLY) in roles
    if endpoint in SERVICEABILITY_ENDPOINTS:
        needed = {key(ADMIN_USERS), key(REALTIME)}
        if endpoint == "controlcenter" and operation in CONTROL_CENTER_WRITES:
            needed.add(key(SERVICEABILITY))
        return needed <= roles
    return True
