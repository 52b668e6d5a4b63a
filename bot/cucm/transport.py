"""HTTP plumbing for one cluster: one keep-alive session, explicit timeouts, TLS on by default.

zeep's ``Transport(timeout=...)`` only bounds WSDL loading; SOAP calls never time out unless
``operation_timeout`` is set (docs/cucm-interfaces.md#zeep), so every transport here sets it.
``trust_env=False`` stops REQUESTS_CA_BUNDLE / proxies from silently changing verification.
"""

from __future__ import annotations

import requests
from requests.auth import HTTPBasicAuth
from zeep.transports import Transport

from bot.cucm.endpoint import ClusterEndpoint

SESSION_COOKIE = "JSESSIONIDSSO"


class HttpStatusError(Exception):
    """A non-SOAP HTTP answer (401, 403, 404, 503 ...), raised before zeep parses the body."""

    def __init__(self, status: int, url: str, body: str) -> None:
        self.status = status
        self.url = url
        self.body = body[:300]
        super().__init__(f"HTTP {status} from {url}")


def make_session(endpoint: ClusterEndpoint) -> requests.Session:
    """A session that verifies TLS unless told not to and ignores the process environment."""
    session = requests.Session()
    session.trust_env = False
    session.auth = HTTPBasicAuth(endpoint.username, endpoint.password)
    if not endpoint.verify_tls:
        session.verify = False
    elif endpoint.ca_bundle is not None:
        session.verify = str(endpoint.ca_bundle)
    else:
        session.verify = True
    session.headers["Accept"] = "text/xml"
    return session


class CucmTransport(Transport):
    """zeep transport with per-call timeouts and CUCM's HTTP status conventions.

    SOAP faults arrive as HTTP 500 and are left to zeep; any other non-200 status becomes an
    ``HttpStatusError`` so the caller can tell auth failures and throttling from faults.
    CUCM answers 404 when the JSESSIONIDSSO session expired: drop the cookie and re-send once
    with Basic auth (nothing was processed, so re-sending is safe).
    """

    def __init__(self, session: requests.Session, connect_timeout: float, read_timeout: float):
        super().__init__(
            session=session,
            timeout=connect_timeout + read_timeout,
            operation_timeout=(connect_timeout, read_timeout),
        )

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> requests.Response:
        response = super().post(address, message, headers)
        if response.status_code == 404 and self.session.cookies.get(SESSION_COOKIE):
            self.session.cookies.clear()
            response = super().post(address, message, headers)
        if response.status_code not in (200, 500):
            raise HttpStatusError(response.status_code, address, response.text or "")
        return response


def make_transport(endpoint: ClusterEndpoint, session: requests.Session) -> CucmTransport:
    return CucmTransport(session, endpoint.connect_timeout, endpoint.read_timeout)
