"""The cluster's security mode, which decides whether CTI over TLS can work at all.

"Standard CTI Secure Connection" makes CTIManager accept the user's provider
only over TLS, which needs the cluster in mixed mode; on a non-secure cluster
that provider stops opening. The mode is the enterprise parameter Cluster
Security Mode (0 non-secure, 1 mixed). Enterprise parameters are read as
service parameters of the virtual process node EnterpriseWideData under the
service "Enterprise Wide" (docs/architecture.md#cluster-security-mode says what is confirmed).
"""

from __future__ import annotations

from bot.cucm.axl import AxlClient
from bot.cucm.errors import Fault, NotFound
from bot.cucm.models import ClusterSecurityMode

ENTERPRISE_NODE = "EnterpriseWideData"
ENTERPRISE_SERVICE = "Enterprise Wide"
CLUSTER_SECURITY_MODE = "ClusterSecurityMode"  # override: param_names.cluster_security_mode
PARAM_KEY = "cluster_security_mode"
_MODES = {"0": False, "1": True}


def cluster_security_mode(axl: AxlClient, name: str = CLUSTER_SECURITY_MODE) -> ClusterSecurityMode:
    """Read once per call; a parameter CUCM does not know is "unknown", never "non-secure"."""
    try:
        param = axl.get_service_parameter(ENTERPRISE_NODE, ENTERPRISE_SERVICE, name)
    except (NotFound, Fault) as exc:
        return ClusterSecurityMode(None, None, f"enterprise parameter {name}: {exc}")
    value = (param.value or "").strip()
    mixed = _MODES.get(value)
    problem = "" if mixed is not None else f"enterprise parameter {name} is {value!r}"
    return ClusterSecurityMode(mixed, value, problem)
