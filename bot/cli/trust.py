"""`ctibot trust <cluster>`: pin the certificate a cluster presents, after a human checked it.

Trust on first use, done safely: every chain is shown (subject, issuer, validity, SHA-256)
and nothing is written until the administrator confirms each new fingerprint, or passed it
with ``--fingerprint`` having read it in CUCM. The bundle gets the top of each chain (the
CA, or the self-signed certificate itself) and the cluster's ``ca_bundle`` points at it.
Verification stays on: this command never writes ``verify_tls``.

The publisher and the addresses in ``nodes`` are visited first. With the cluster's password
set, the certificates confirmed so far then carry an AXL login to list the process nodes,
whose certificates (each CUCM node has its own) are shown and confirmed the same way.
Everything is written at the end, so a refusal leaves the bundle and the config untouched.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509

from bot.bootstrap import endpoint_of
from bot.cli.common import ConfigOption, settings_or_exit
from bot.config import ClusterSettings, MissingSecretError, resolve_config_path
from bot.config_edit import ClusterNotInFile, set_cluster_key
from bot.cucm import certs
from bot.cucm.cluster import CucmCluster
from bot.cucm.errors import CucmError
from bot.cucm.retry import RetryPolicy


class Refused(Exception):
    """The administrator said no, or a pinned fingerprint does not match: write nothing."""


@dataclasses.dataclass
class Pinning:
    """What one run decided: certificates kept or newly trusted, and where they were seen."""

    cluster: ClusterSettings
    given: list[str]  # --fingerprint values, normalized; empty: ask interactively
    trusted: dict[str, x509.Certificate]  # fingerprint -> certificate for the bundle
    visited: dict[str, str] = dataclasses.field(default_factory=dict)  # address -> label
    verifiable: dict[str, str] = dataclasses.field(default_factory=dict)  # those that answered


def register(app: typer.Typer) -> None:
    app.command("trust")(trust)


def trust(
    cluster: Annotated[str, typer.Argument(help="The cluster's name in the settings.")],
    config: ConfigOption = None,
    fingerprint: Annotated[
        list[str] | None,
        typer.Option(
            "--fingerprint",
            help="SHA-256 fingerprint read in CUCM, to pin without a prompt (repeat per node "
            "when each has its own self-signed certificate).",
        ),
    ] = None,
    bundle: Annotated[
        Path | None,
        typer.Option(
            help="Bundle file to write (default: <cluster>-ca.pem beside the config).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Show the certificates a cluster presents and pin them in its ca_bundle once confirmed."""
    settings = settings_or_exit(config)
    item = next((c for c in settings.clusters if c.name == cluster), None)
    if item is None:
        known = ", ".join(c.name for c in settings.clusters) or "none configured"
        typer.echo(f"No cluster {cluster!r} in the settings (known: {known}).", err=True)
        raise typer.Exit(2)
    if item.scheme != "https":
        typer.echo(
            f'Cluster {cluster} uses http: there is no certificate to trust (scheme = "https", '
            "port = 8443 first).",
            err=True,
        )
        raise typer.Exit(2)
    given = [certs.normalize_fingerprint(f) for f in fingerprint or []]
    if not given and not sys.stdin.isatty():
        typer.echo(
            "No terminal to confirm the fingerprint on: read it in CUCM and pass "
            "--fingerprint SHA256 (nothing written).",
            err=True,
        )
        raise typer.Exit(2)
    config_path = resolve_config_path(config)
    target = (bundle or _default_bundle(config_path, cluster)).absolute()
    # What the cluster trusts today stays trusted: its configured bundle (an enterprise CA)
    # and an earlier run's file.
    held = [*certs.load_bundle(item.ca_bundle or target), *certs.load_bundle(target)]
    pinning = Pinning(item, given, {certs.fingerprint(c): c for c in held})
    try:
        _visit(pinning, {item.host: "publisher"} | _mapped(item))
        _visit(pinning, _process_nodes(pinning))
    except Refused as exc:
        typer.echo(f"{exc} Nothing written.", err=True)
        raise typer.Exit(1) from None
    _write_bundle(target, list(pinning.trusted.values()))
    _point_config_at(config_path, item, target)
    _verify(pinning, target)


def _who(label: str, address: str) -> str:
    return label if label == address else f"{label} ({address})"


def _default_bundle(config_path: Path | None, cluster: str) -> Path:
    return (config_path.parent if config_path else Path.cwd()) / f"{cluster}-ca.pem"


def _mapped(item: ClusterSettings) -> dict[str, str]:
    """Configured node addresses, the publisher's left to the publisher."""
    return {a: name for name, a in item.nodes.items() if a != item.host}


def _process_nodes(pinning: Pinning) -> dict[str, str]:
    """Node addresses from listProcessNode, logged in over the certificates trusted so far."""
    item = pinning.cluster
    try:
        endpoint = endpoint_of(item)
    except MissingSecretError:
        typer.echo(
            f"({item.password_env} is not set: process nodes outside `nodes` were not listed; "
            f"`ctibot doctor --cluster {item.name}` checks them.)"
        )
        return {}
    with tempfile.TemporaryDirectory(prefix="ctibot-trust-") as directory:
        interim = Path(directory) / "bundle.pem"
        interim.write_bytes(_bundle_text(list(pinning.trusted.values())))
        endpoint = dataclasses.replace(endpoint, ca_bundle=interim, verify_tls=True)
        try:
            with CucmCluster(endpoint, retry=RetryPolicy.none()) as cucm:
                nodes = cucm.axl.list_process_nodes()
        except CucmError as exc:
            typer.echo(f"(Process nodes not listed: {exc.message})")
            return {}
    return {endpoint.node_address(node.name): node.name for node in nodes}


def _visit(pinning: Pinning, targets: dict[str, str]) -> None:
    port = pinning.cluster.port
    for address, label in targets.items():
        if address in pinning.visited:
            continue
        pinning.visited[address] = label
        try:
            chain = certs.presented_chain(address, port, pinning.cluster.connect_timeout)
        except certs.CertificateUnavailable as exc:
            if address == pinning.cluster.host:
                raise Refused(f"The publisher gives no certificate: {exc}.") from exc
            typer.echo(f"\n{_who(label, address)}: skipped, {exc} (ctibot doctor shows the fix)")
            continue
        pinning.verifiable[address] = label
        _show(label, address, port, chain)
        _confirm(pinning, _who(label, address), chain)


def _show(label: str, address: str, port: int, chain: list[x509.Certificate]) -> None:
    typer.echo(f"\n{label} ({address}:{port}) presents:")
    for number, cert in enumerate(chain, start=1):
        summary = certs.summarize(cert)
        typer.echo(f"  [{number}] {summary.subject}")
        typer.echo(
            f"      issuer   {summary.issuer}{' (self-signed)' if summary.self_signed else ''}"
        )
        typer.echo(
            f"      valid    {cert.not_valid_before_utc:%Y-%m-%d %H:%M} to "
            f"{summary.not_after:%Y-%m-%d %H:%M} UTC ({summary.days_left():.0f} days left)"
        )
        typer.echo(f"      SHA-256  {summary.sha256}")
    top = certs.summarize(certs.anchor(chain))
    if not top.self_signed:
        typer.echo(
            f"  The node does not send its root CA: [{len(chain)}] is issued by {top.issuer}. "
            "Pinning it alone may not verify; add the root CA from your PKI to the bundle."
        )


def _confirm(pinning: Pinning, who: str, chain: list[x509.Certificate]) -> None:
    """Trust the chain's anchor once a human vouched for it; already trusted: nothing to ask."""
    anchor = certs.anchor(chain)
    top = certs.summarize(anchor)
    if certs.pinned_in(chain, list(pinning.trusted.values())):
        typer.echo("  Already trusted by the bundle.")
        return
    if pinning.given:
        presented = {certs.fingerprint(c) for c in chain}
        if not presented & set(pinning.given):
            raise Refused(
                f"{who} presents SHA-256 {certs.fingerprint(chain[0])} ({top.subject} at the "
                f"top, SHA-256 {top.sha256}), not the --fingerprint given "
                f"({', '.join(pinning.given)})."
            )
    elif not typer.confirm(
        f"  Does CUCM show SHA-256 {top.sha256} for {top.subject}? Trust it", default=False
    ):
        raise Refused(f"The certificate of {who} was not confirmed.")
    typer.echo(f"  Trusting [{len(chain)}] {top.subject}, SHA-256 {top.sha256}.")
    for pinned, cert in list(pinning.trusted.items()):
        # A regenerated certificate keeps its subject; OpenSSL would find the old one first.
        if cert.subject == anchor.subject:
            typer.echo(f"  It replaces the one pinned before, SHA-256 {pinned}.")
            del pinning.trusted[pinned]
    pinning.trusted[top.sha256] = anchor


def _bundle_text(trusted: list[x509.Certificate]) -> bytes:
    parts = []
    for cert in trusted:
        summary = certs.summarize(cert)
        header = f"# {summary.subject}\n# SHA-256 {summary.sha256}\n"
        parts.append(header.encode() + certs.to_pem(cert))
    return b"".join(parts)


def _write_bundle(target: Path, trusted: list[x509.Certificate]) -> None:
    try:
        target.write_bytes(_bundle_text(trusted))
    except OSError as exc:
        typer.echo(
            f"Cannot write the bundle {target}: {exc.strerror}; pass --bundle PATH.", err=True
        )
        raise typer.Exit(1) from None
    typer.echo(f"\nWrote {len(trusted)} certificate(s) to {target}.")


def _point_config_at(config_path: Path | None, item: ClusterSettings, target: Path) -> None:
    line = f'ca_bundle = "{target}"'
    if item.ca_bundle is not None and item.ca_bundle.absolute() == target:
        typer.echo(f"The cluster's ca_bundle already points at {target}.")
    elif config_path is None:
        typer.echo(f"No settings file: add to cluster {item.name}'s settings: {line}")
    else:
        try:
            set_cluster_key(config_path, item.name, "ca_bundle", str(target))
            typer.echo(f"Set {line} for cluster {item.name} in {config_path}.")
        except (OSError, ClusterNotInFile) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            typer.echo(
                f"Could not edit {config_path} ({reason}): add this line to the [[clusters]] "
                f"section with name = {item.name!r}:\n  {line}"
            )
    if not item.verify_tls:
        typer.echo(
            "verify_tls = false is still set for this cluster and turns verification off: "
            "remove that line so the bundle is used."
        )


def _verify(pinning: Pinning, target: Path) -> None:
    """Connect again as ctibot will, verifying with the new bundle: the proof it worked."""
    failed = False
    for address, label in pinning.verifiable.items():
        try:
            problem = certs.trust_problem(
                address, pinning.cluster.port, target, pinning.cluster.connect_timeout
            )
        except certs.CertificateUnavailable as exc:
            problem = str(exc)
        if problem is None:
            typer.echo(f"✓ {_who(label, address)}: verified with the bundle")
        else:
            failed = True
            typer.echo(f"✗ {_who(label, address)}: still not verified: {problem}")
    typer.echo(f"Next: ctibot doctor --cluster {pinning.cluster.name}")
    if failed:
        raise typer.Exit(1)
