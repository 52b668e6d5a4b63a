"""ControlCenterServices handlers: status, asynchronous control, deployment, local node rule."""

from __future__ import annotations

import pytest
from lxml import etree

from cucmsim import cti
from cucmsim.model import CTI_MANAGER, Cluster
from cucmsim.options import SimOptions
from cucmsim.serviceability import lifecycle
from cucmsim.serviceability.controlcenter import ControlCenterService
from cucmsim.soap import SoapFault
from tests.unit.cucmsim.serviceability.lab import (
    PUB,
    SUB1,
    SUB2,
    E,
    build_cluster,
    nil,
    request,
    texts,
)
from tests.waiting import wait_until

ITEMS = "soapGetServiceStatusReturn/ServiceInfoList/item"


@pytest.fixture
def cluster() -> Cluster:
    cluster = build_cluster()
    cti.connect_all(cluster)
    return cluster


def service(transition_s: float = 0.0) -> ControlCenterService:
    return ControlCenterService(SimOptions(service_transition_s=transition_s))


def status(svc: ControlCenterService, cluster: Cluster, node: str, *names: str) -> etree._Element:
    body = E.soapGetServiceStatus(*[E.ServiceStatus(n) for n in names])
    return svc.handle(request(cluster, node, body))


def settled(svc: ControlCenterService, cluster: Cluster, node: str, wanted: str) -> bool:
    """Whether CTIManager's status answer on `node` reads `wanted` (for `wait_until`)."""
    return texts(status(svc, cluster, node, CTI_MANAGER), f"{ITEMS}/ServiceStatus") == [wanted]


def control(node: str | None, kind: str, *names: str) -> etree._Element:
    return E.soapDoControlServices(
        E.ControlServiceRequest(
            E.NodeName(node) if node else nil("NodeName"),
            E.ControlType(kind),
            E.ServiceList(*[E.item(n) for n in names]),
        )
    )


def deployment(node: str, kind: str, *names: str) -> etree._Element:
    return E.soapDoServiceDeployment(
        E.DeploymentServiceRequest(
            E.NodeName(node), E.DeployType(kind), E.ServiceList(*[E.item(n) for n in names])
        )
    )


def test_status_of_all_services_is_qualified_and_complete(cluster: Cluster) -> None:
    root = status(service(), cluster, SUB1, "")
    assert root.tag == "{http://schemas.cisco.com/ast/soap}soapGetServiceStatusResponse"
    assert all(el.tag.startswith("{http://schemas.cisco.com/ast/soap}") for el in root.iter())
    assert texts(root, f"{ITEMS}/ServiceName") == ["Cisco CallManager", CTI_MANAGER, "Cisco Tomcat"]
    assert texts(root, "soapGetServiceStatusReturn/ReturnCode") == ["0"]


def test_not_activated_service_reports_stopped_1068(cluster: Cluster) -> None:
    root = status(service(), cluster, PUB, "cisco ctimanager")
    assert texts(root, f"{ITEMS}/ServiceStatus") == ["Stopped"]
    assert texts(root, f"{ITEMS}/ReasonCode") == ["-1068"]
    assert texts(root, f"{ITEMS}/ReasonCodeString") == ["Service Not Activated"]
    assert texts(root, f"{ITEMS}/UpTime") == ["-1"]


def test_unknown_service_reports_1010(cluster: Cluster) -> None:
    root = status(service(), cluster, SUB1, "Cisco Nothing")
    assert texts(root, f"{ITEMS}/ServiceStatus") == ["Unknown"]
    assert texts(root, f"{ITEMS}/ReasonCode") == ["-1010"]


def test_stop_is_asynchronous_and_moves_apps(cluster: Cluster) -> None:
    svc = service(transition_s=0.05)
    root = svc.handle(request(cluster, SUB1, control(SUB1, "Stop", CTI_MANAGER)))
    assert texts(root, "soapDoControlServicesReturn/ServiceInfoList/item/ServiceStatus") == [
        "Stopping"
    ]
    assert cti.application(cluster, "ctiapp").current_node == SUB2
    wait_until(lambda: settled(svc, cluster, SUB1, "Stopped"), timeout=2)
    root = status(svc, cluster, SUB1, CTI_MANAGER)
    assert texts(root, f"{ITEMS}/ReasonCode") == ["-1069"]
    assert texts(root, f"{ITEMS}/ReasonCodeString") == ["Commanded Out of Service"]


def test_start_settles_to_started_without_failback(cluster: Cluster) -> None:
    svc = service()
    svc.handle(request(cluster, SUB1, control(None, "Stop", CTI_MANAGER)))
    root = svc.handle(request(cluster, SUB1, control(SUB1, "Start", CTI_MANAGER)))
    assert texts(root, "soapDoControlServicesReturn/ReturnCode") == ["0"]
    root = status(svc, cluster, SUB1, CTI_MANAGER)
    assert texts(root, f"{ITEMS}/ServiceStatus") == ["Started"]
    assert int(texts(root, f"{ITEMS}/UpTime")[0]) >= 0
    assert cti.application(cluster, "ctiapp").current_node == SUB2


def test_timer_settles_without_any_further_request(cluster: Cluster) -> None:
    svc = service(transition_s=0.02)
    svc.handle(request(cluster, SUB2, control(SUB2, "Stop", CTI_MANAGER)))
    wait_until(lambda: cluster.services[(SUB2, CTI_MANAGER)].status == "Stopped", timeout=2)


def test_restart_passes_through_stopping_and_starting(cluster: Cluster) -> None:
    svc = service(transition_s=0.03)
    svc.handle(request(cluster, SUB2, control(SUB2, "Restart", CTI_MANAGER)))
    state = cluster.services[(SUB2, CTI_MANAGER)]
    assert state.status == "Stopping"
    assert cti.application(cluster, "recorder").current_node == SUB1
    wait_until(lambda: state.status == "Started", timeout=2)


@pytest.mark.parametrize(
    ("node", "kind", "name", "code"),
    [
        (SUB1, "Start", CTI_MANAGER, "-1039"),
        (PUB, "Start", CTI_MANAGER, "-1068"),
        (SUB1, "Stop", "Cisco Nothing", "-1010"),
    ],
)
def test_control_refusals_carry_reason_codes(
    cluster: Cluster, node: str, kind: str, name: str, code: str
) -> None:
    root = service().handle(request(cluster, node, control(node, kind, name)))
    assert texts(root, "soapDoControlServicesReturn/ReturnCode") == ["1"]
    assert texts(root, "soapDoControlServicesReturn/ReasonCode") == [code]
    assert texts(root, "soapDoControlServicesReturn/ServiceInfoList/item/ReasonCode") == [code]


def test_already_stopped_reports_1040(cluster: Cluster) -> None:
    svc = service()
    svc.handle(request(cluster, SUB1, control(SUB1, "Stop", CTI_MANAGER)))
    root = svc.handle(request(cluster, SUB1, control(SUB1, "Stop", CTI_MANAGER)))
    assert texts(root, "soapDoControlServicesReturn/ReasonCode") == ["-1040"]


def test_control_on_another_node_is_a_fault(cluster: Cluster) -> None:
    with pytest.raises(SoapFault, match="only on the local node"):
        service().handle(request(cluster, SUB1, control(SUB2, "Stop", CTI_MANAGER)))
    assert cluster.services[(SUB2, CTI_MANAGER)].status == "Started"


def test_bad_control_type_is_a_fault(cluster: Cluster) -> None:
    with pytest.raises(SoapFault, match="ControlType"):
        service().handle(request(cluster, SUB1, control(SUB1, "Explode", CTI_MANAGER)))


def test_deploy_activates_and_starts_without_pulling_apps_back(cluster: Cluster) -> None:
    svc = service(transition_s=0.02)
    cluster.applications["ctiapp"].primary_node = PUB
    cti.restart_app(cluster, "ctiapp")
    root = svc.handle(request(cluster, PUB, deployment(PUB, "Deploy", CTI_MANAGER)))
    assert texts(root, "soapDoServiceDeploymentReturn/ServiceInfoList/item/ServiceStatus") == [
        "Starting"
    ]
    wait_until(lambda: settled(svc, cluster, PUB, "Started"), timeout=2)
    assert cti.application(cluster, "ctiapp").current_node == SUB2


def test_undeploy_stops_and_reports_not_activated(cluster: Cluster) -> None:
    svc = service()
    svc.handle(request(cluster, SUB2, deployment(SUB2, "UnDeploy", CTI_MANAGER)))
    root = status(svc, cluster, SUB2, CTI_MANAGER)
    assert texts(root, f"{ITEMS}/ReasonCode") == ["-1068"]
    assert cti.application(cluster, "recorder").current_node == SUB1
    root = svc.handle(request(cluster, SUB2, deployment(SUB2, "UnDeploy", CTI_MANAGER)))
    assert texts(root, "soapDoServiceDeploymentReturn/ReasonCode") == ["-1043"]


def test_network_services_are_not_deployable(cluster: Cluster) -> None:
    root = service().handle(request(cluster, SUB1, deployment(SUB1, "UnDeploy", "Cisco Tomcat")))
    assert texts(root, "soapDoServiceDeploymentReturn/ReasonCode") == ["-1045"]
    root = service().handle(request(cluster, SUB1, E.soapGetStaticServiceList("")))
    deployable = dict(
        zip(
            texts(root, "soapGetStaticServiceListReturn/Services/item/ServiceName"),
            texts(root, "soapGetStaticServiceListReturn/Services/item/Deployable"),
            strict=True,
        )
    )
    assert deployable == {"Cisco CallManager": "true", CTI_MANAGER: "true", "Cisco Tomcat": "false"}


def test_settle_is_idempotent_when_nothing_is_due(cluster: Cluster) -> None:
    lifecycle.settle(cluster)
    assert cluster.services[(SUB1, CTI_MANAGER)].status == "Started"


def test_apply_is_the_control_path_entry_point(cluster: Cluster) -> None:
    state = lifecycle.apply(cluster, "CUCM-SUB1", "cisco ctimanager", "Stop")
    assert state.status == "Stopped"
    assert cti.application(cluster, "ctiapp").current_node == SUB2
    with pytest.raises(KeyError):
        lifecycle.apply(cluster, SUB1, "Cisco Nothing", "Start")
