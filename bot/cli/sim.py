"""`ctibot sim`: run the CUCM simulator in the foreground, for the demo and manual testing."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

import bot

WSDL_DIR = Path(bot.__file__).resolve().parent / "cucm" / "wsdl"
AXL_XSD = WSDL_DIR / "axl" / "AXLSoap.xsd"


class Seed(StrEnum):
    demo = "demo"
    empty = "empty"
    renamed = "renamed"
    large = "large"


def parse_user(text: str) -> tuple[str, str, tuple[str, ...]]:
    """`userid:password:Group A,Group B` -> (userid, password, groups)."""
    userid, _, rest = text.partition(":")
    password, _, groups = rest.partition(":")
    if not userid or not password:
        raise typer.BadParameter(f"expected userid:password:Group,Group, not {text!r}")
    return userid, password, tuple(g.strip() for g in groups.split(",") if g.strip())


def register(app: typer.Typer) -> None:
    app.command("sim")(sim)


def sim(
    host: Annotated[str, typer.Option(help="Address of the first node.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port on every node address (0: pick a free one).", min=0, max=65535)
    ] = 8443,
    tls: Annotated[
        bool, typer.Option("--tls", help="HTTPS with a generated CA-signed certificate.")
    ] = False,
    tls_self_signed: Annotated[
        bool,
        typer.Option(
            "--tls-self-signed", help="HTTPS with a self-signed certificate, as CUCM's default."
        ),
    ] = False,
    tls_expires_in_days: Annotated[
        float,
        typer.Option(
            help="Days until the certificate expires (a few: one that expires soon).", min=0
        ),
    ] = 365,
    tls_dir: Annotated[
        Path | None,
        typer.Option(
            help="Keep the certificate here across restarts (default: a new one at each start).",
            file_okay=False,
        ),
    ] = None,
    username: Annotated[str, typer.Option(envvar="CTIBOT_SIM_USERNAME")] = "axladmin",
    password: Annotated[str, typer.Option(envvar="CTIBOT_SIM_PASSWORD")] = "axlpassword",
    seed: Annotated[Seed, typer.Option(help="Initial cluster content.")] = Seed.demo,
    latency_ms: Annotated[int, typer.Option(help="Added to every SOAP call.", min=0)] = 0,
    axl_write_rate: Annotated[
        float | None, typer.Option(help="AXL writes per second before HTTP 503.", min=0)
    ] = None,
    nodes: Annotated[int, typer.Option(help="Publisher + subscribers.", min=1, max=8)] = 3,
    strict: Annotated[
        bool, typer.Option("--strict/--no-strict", help="Validate AXL requests against the XSD.")
    ] = False,
    user: Annotated[
        list[str] | None,
        typer.Option(
            help="Another API account, userid:password:Group,Group (repeatable); its groups' "
            "roles decide which APIs it may call.",
        ),
    ] = None,
    service_delay: Annotated[
        float,
        typer.Option(
            help="Seconds a service stays Starting/Stopping (a real node can take minutes).",
            min=0,
        ),
    ] = 0.5,
) -> None:
    """Run a simulated CUCM cluster (AXL, Control Center, RIS, PerfMon) until interrupted."""
    from cucmsim.api import run_forever
    from cucmsim.options import SimOptions, SimUser

    options = SimOptions(
        host=host,
        port=port,
        tls=tls or tls_self_signed,
        tls_self_signed=tls_self_signed,
        tls_valid_days=tls_expires_in_days,
        tls_dir=tls_dir,
        username=username,
        password=password,
        seed=seed.value,
        node_count=nodes,
        latency_ms=latency_ms,
        axl_write_rate=axl_write_rate,
        strict=strict,
        service_transition_s=service_delay,
        axl_xsd=AXL_XSD,
        wsdl_dir=WSDL_DIR,
        users=tuple(SimUser(*parse_user(text)) for text in user or ()),
    )
    run_forever(options)
