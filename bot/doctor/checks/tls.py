"""Check 2: the certificate each node presents, and whether ctibot's verification accepts it.

Per address: the presented chain (subject, issuer, SHA-256 fingerprint, expiry: ⚠ under
30 days, ✗ expired) and whether it is trusted with the cluster's ``ca_bundle`` (the certifi
bundle ``requests`` uses when there is none), host name included. An untrusted chain's fix
is ``ctibot trust``, never turning verification off. A cluster on plain http is a ⚠: it works,
but the AXL password crosses the network in the clear.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.cucm import certs
from bot.doctor.checks.nodes import Target, node_target, process_nodes, publisher
from bot.doctor.report import Finding, Mark
from bot.doctor.run import Check, Probe

NAME = "tls"
EXPIRY_WARNING_DAYS = 30
WHERE_TOMCAT = (
    "Cisco Unified OS Administration > Security > Certificate Management, certificate tomcat"
)


def _trust_fix(probe: Probe) -> str:
    return (
        "Compare the fingerprint above with the one CUCM shows (" + WHERE_TOMCAT + "), "
        f"then pin it: ctibot trust {probe.endpoint.name}"
    )


def _certificate(probe: Probe, target: Target, chain: list) -> Finding:
    leaf = certs.summarize(chain[0])
    days = leaf.days_left()
    issuer = "self-signed" if leaf.self_signed else f"issued by {leaf.issuer}"
    detail = (
        f"{leaf.subject}, {issuer}, SHA-256 {leaf.sha256}, "
        f"expires {leaf.not_after:%Y-%m-%d} ({days:.0f} days)"
    )
    if len(chain) > 1:
        detail += f"; chain of {len(chain)} up to {certs.summarize(chain[-1]).subject}"
    renew = (
        f"Renew the node's tomcat certificate ({WHERE_TOMCAT}), then run "
        f"ctibot trust {probe.endpoint.name} if it is self-signed or from a new CA."
    )
    if days <= 0:
        return Finding(NAME, f"{target.label} certificate", Mark.FAIL, f"expired: {detail}", renew)
    if days < EXPIRY_WARNING_DAYS:
        return Finding(
            NAME, f"{target.label} certificate", Mark.WARN, f"expires soon: {detail}", renew
        )
    return Finding(NAME, f"{target.label} certificate", Mark.PASS, detail)


def _trust(probe: Probe, target: Target, chain: list) -> Finding:
    endpoint = probe.endpoint
    bundle = endpoint.ca_bundle
    source = f"ca_bundle {bundle}" if bundle else "the default CA bundle (no ca_bundle set)"
    subject = f"{target.label} trust"
    problem = certs.trust_problem(target.address, endpoint.port, bundle, endpoint.connect_timeout)
    if problem is None:
        return Finding(NAME, subject, Mark.PASS, f"trusted by {source}")
    if bundle is not None and not certs.pinned_in(chain, certs.load_bundle(bundle)):
        problem += f"; the node's chain holds no certificate of {bundle} (it changed?)"
    return Finding(
        NAME, subject, Mark.FAIL, f"not trusted by {source}: {problem}", _trust_fix(probe)
    )


def _visit(probe: Probe, target: Target) -> Iterator[Finding]:
    endpoint = probe.endpoint
    try:
        chain = certs.presented_chain(target.address, endpoint.port, endpoint.connect_timeout)
    except certs.CertificateUnavailable as exc:
        yield Finding(NAME, target.label, Mark.SKIP, f"not checked: {exc} (see nodes)")
        return
    yield _certificate(probe, target, chain)
    try:
        yield _trust(probe, target, chain)
    except certs.CertificateUnavailable as exc:
        yield Finding(NAME, f"{target.label} trust", Mark.FAIL, str(exc))


def check(probe: Probe) -> Iterator[Finding]:
    endpoint = probe.endpoint
    if endpoint.scheme != "https":
        yield Finding(
            NAME,
            "scheme",
            Mark.WARN,
            "http: the AXL password and every request cross the network unencrypted",
            'In the cluster\'s config section: scheme = "https" and port = 8443',
        )
        return
    if not endpoint.verify_tls:
        yield Finding(
            NAME,
            "verify_tls",
            Mark.WARN,
            "verify_tls = false: ctibot accepts any certificate, so anything between this host "
            "and CUCM can read the AXL password",
            f"Remove verify_tls = false from the cluster's config section and run "
            f"ctibot trust {endpoint.name}",
        )
    yield from _visit(probe, publisher(probe))
    nodes, not_listed = process_nodes(probe, NAME)
    if not_listed is not None:
        yield not_listed
        return
    seen = {endpoint.host}
    for node in nodes:
        target = node_target(probe, node)
        if target.address not in seen:
            seen.add(target.address)
            yield from _visit(probe, target)


TLS = Check(NAME, check, needs=("reach",))
