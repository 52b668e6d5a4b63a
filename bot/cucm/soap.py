"""One SOAP endpoint with the layer's policy around every call.

Everything that can go wrong on the wire is translated here, in one place, into the typed
errors of ``bot.cucm.errors``; retries (``retry.py``) and counters (``stats.py``) wrap each
attempt, and an AXL write waits for the cluster's pacer (``pacer.py``) before it is sent.
API clients (AXL, Control Center, RIS, PerfMon) only build arguments and read results.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
import zeep
import zeep.exceptions
from lxml import etree

from bot.cucm import certs
from bot.cucm.errors import (
    AuthFailed,
    CucmError,
    Fault,
    OutcomeUnknown,
    RequestInvalid,
    Throttled,
    Timeout,
    Unreachable,
    Where,
)
from bot.cucm.faults import FaultInfo, to_error
from bot.cucm.pacer import WritePacer, is_axl_write
from bot.cucm.retry import RetryPolicy, run_with_retries
from bot.cucm.stats import Stats
from bot.cucm.transport import HttpStatusError

log = logging.getLogger(__name__)

Recorder = Callable[[str, etree._Element], None]


class RequestRecorded(Exception):
    """Raised instead of sending when a recorder is installed (dry-run / conformance)."""

    def __init__(self, operation: str, body: etree._Element) -> None:
        self.operation = operation
        self.body = body
        super().__init__(operation)


def _causes(error: BaseException, depth: int = 0) -> Iterator[BaseException]:
    """The error and everything it wraps (args, urllib3 ``reason``, cause, context)."""
    if depth > 8:
        return
    yield error
    nested: list[BaseException] = [a for a in error.args if isinstance(a, BaseException)]
    for attr in ("reason", "__cause__", "__context__"):
        value = getattr(error, attr, None)
        if isinstance(value, BaseException):
            nested.append(value)
    for inner in nested:
        yield from _causes(inner, depth + 1)


def _sent_nothing(error: BaseException) -> bool:
    before = (
        urllib3.exceptions.NewConnectionError,
        urllib3.exceptions.ConnectTimeoutError,
        ConnectionRefusedError,
    )
    return any(isinstance(e, before) for e in _causes(error))


def _dns_failure(error: BaseException) -> bool:
    return any(isinstance(e, urllib3.exceptions.NameResolutionError) for e in _causes(error))


def _tls_reason(error: BaseException) -> str:
    text = str(error)
    match = re.search(r"certificate verify failed[^'\")]*", text)
    if match:
        return match.group(0).strip()
    return text.split("(Caused by", 1)[-1].strip(" ()") or "TLS handshake failed"


def _axl_code(detail: Any) -> int | None:
    if detail is None:
        return None
    if isinstance(detail, str):
        match = re.search(r"<(?:\w+:)?axlcode>\s*(-?\d+)", detail)
        return int(match.group(1)) if match else None
    nodes = detail.xpath(".//*[local-name()='axlcode']")
    if not nodes and etree.QName(detail).localname == "axlcode":
        nodes = [detail]
    try:
        return int(nodes[0].text) if nodes else None
    except (TypeError, ValueError):
        return None


class SoapService:
    """A zeep service proxy bound to one address, plus error translation, retries and stats."""

    def __init__(
        self,
        *,
        api: str,
        client: zeep.Client,
        binding: str,
        address: str,
        cluster: str,
        policy: RetryPolicy,
        stats: Stats,
        read_timeout: float,
        recorder: Recorder | None = None,
        sleep: Callable[[float], None] | None = None,
        pacer: WritePacer | None = None,
        ca_bundle: Path | None = None,
    ) -> None:
        self.api = api
        self.ca_bundle = ca_bundle
        self.address = address
        self.cluster = cluster
        self.policy = policy
        self.stats = stats
        self.recorder = recorder
        self.pacer = pacer
        self._client = client
        self._service = client.create_service(binding, address)
        self._read_timeout = read_timeout
        self._sleep = sleep

    def build(self, operation: str, **kwargs: Any) -> etree._Element:
        """The request body element zeep would send (validated, nothing sent)."""
        # The binding directly: Client.create_message() would swallow a "service" kwarg.
        envelope, _headers = self._service._binding._create(
            operation, (), kwargs, client=self._client
        )
        body = envelope.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        return body[0] if body is not None and len(body) else envelope

    def call(
        self,
        operation: str,
        *,
        read: bool,
        obj: str = "",
        policy: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> Any:
        """Send ``operation`` with retries (``policy`` overrides the endpoint's for this call);
        return zeep's result or raise a ``CucmError``."""
        if self.recorder is not None:
            body = self._build_checked(operation, obj, kwargs)
            self.recorder(operation, body)
            raise RequestRecorded(operation, body)
        key = f"{self.api}.{operation}"
        method = getattr(self._service, operation)
        pacer = self.pacer if is_axl_write(operation) else None

        def attempt(number: int) -> Any:
            sent_at = pacer.acquire() if pacer is not None else 0.0
            started = time.monotonic()
            try:
                result = method(**kwargs)
            except Exception as exc:
                error = self.translate(exc, operation=operation, obj=obj, read=read)
                if isinstance(error, Throttled):
                    self.stats.throttled(key)
                    if pacer is not None:
                        pacer.throttled(sent_at)
                raise error from None
            finally:
                elapsed = time.monotonic() - started
                self.stats.attempt(key, retry=number > 1, latency_s=elapsed)
                self._log_attempt(key, number, elapsed, sys.exc_info()[1])
            if pacer is not None:
                pacer.succeeded()
            return result

        try:
            return run_with_retries(policy or self.policy, attempt, read=read, sleep=self._sleep)
        except CucmError:
            self.stats.failed(key)
            raise

    def _log_attempt(
        self, key: str, number: int, elapsed_s: float, error: BaseException | None
    ) -> None:
        """One line per attempt: with the request id it ties a Slack command to its CUCM calls."""
        node = urlsplit(self.address).hostname or self.address
        outcome = "ok" if error is None else type(error).__name__
        duration_ms = round(elapsed_s * 1000, 1)
        log.info(
            "cucm %s on %s/%s attempt %d: %s in %.1f ms",
            key,
            self.cluster,
            node,
            number,
            outcome,
            duration_ms,
            extra={
                "operation": key,
                "cluster": self.cluster,
                "node": node,
                "attempt": number,
                "duration_ms": duration_ms,
                "outcome": outcome,
            },
        )

    def _build_checked(self, operation: str, obj: str, kwargs: dict[str, Any]) -> etree._Element:
        try:
            return self.build(operation, **kwargs)
        except (zeep.exceptions.ValidationError, TypeError) as exc:
            raise self.translate(exc, operation=operation, obj=obj, read=True) from None

    def _untrusted(self, url: str, exc: Exception) -> str:
        """Why TLS verification refused the node, naming both fingerprints when the node no
        longer presents the pinned certificate; the fix never turns verification off."""
        reason = _tls_reason(exc)
        if self.ca_bundle is not None:
            parts = urlsplit(url)
            changed = certs.changed_pin(
                parts.hostname or "", parts.port or 443, self.ca_bundle, min(self._read_timeout, 10)
            )
            if changed:
                return (
                    f"TLS certificate of {url} not trusted: {changed}. If the CUCM administrator "
                    "regenerated it, check the new one and pin it with "
                    f"`ctibot trust {self.cluster}`"
                )
        return (
            f"TLS certificate of {url} not trusted: {reason}; check its fingerprint and pin it "
            f"with `ctibot trust {self.cluster}` (or set ca_bundle to your CA's certificates)"
        )

    def translate(self, exc: Exception, *, operation: str, obj: str, read: bool) -> CucmError:
        """Map any exception from zeep/requests to the layer's typed errors."""
        ctx: Where = {"operation": operation, "cluster": self.cluster, "obj": obj}
        url = self.address
        if isinstance(exc, CucmError):
            return exc
        if isinstance(exc, HttpStatusError):
            return self._http_status(exc.status, url, ctx)
        if isinstance(exc, zeep.exceptions.Fault):
            info = FaultInfo(operation, _axl_code(exc.detail), str(exc.message or "SOAP fault"))
            return to_error(info, cluster=self.cluster, obj=obj)
        if isinstance(exc, zeep.exceptions.TransportError):
            return self._http_status(exc.status_code or 0, url, ctx)
        if isinstance(exc, requests.exceptions.SSLError):
            return Unreachable(self._untrusted(url, exc), **ctx)
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return Unreachable(
                f"could not connect to {url} (connect timeout)", retryable=True, **ctx
            )
        if isinstance(exc, requests.exceptions.ReadTimeout):
            if read:
                return Timeout(f"no answer from {url} within {self._read_timeout:g}s", **ctx)
            return OutcomeUnknown(
                f"request sent to {url} but no answer within {self._read_timeout:g}s; the change "
                "may or may not have been applied - re-read the object before trying again",
                **ctx,
            )
        if isinstance(exc, requests.exceptions.ConnectionError):
            return self._connection_error(exc, url, read, ctx)
        if isinstance(exc, (zeep.exceptions.ValidationError, TypeError)):
            return RequestInvalid(f"request not built: {exc}", **ctx)
        if isinstance(exc, (zeep.exceptions.XMLSyntaxError, zeep.exceptions.XMLParseError)):
            return Fault(None, f"unreadable answer from {url}: {exc}", **ctx)
        raise exc

    def _http_status(self, status: int, url: str, ctx: Where) -> CucmError:
        if status == 401:
            return AuthFailed(f"HTTP 401 from {url}: credentials rejected", status=401, **ctx)
        if status == 403:
            return AuthFailed(
                f"HTTP 403 from {url}: the account lacks the API role", status=403, **ctx
            )
        if status == 503:
            return Throttled(f"HTTP 503 from {url}: CUCM is throttling requests", **ctx)
        if status == 404:
            return Fault(None, f"HTTP 404 from {url}: wrong URL or API not running", **ctx)
        return Fault(None, f"HTTP {status} from {url}", **ctx)

    def _connection_error(self, exc: Exception, url: str, read: bool, ctx: Where) -> CucmError:
        if _dns_failure(exc):
            return Unreachable(f"cannot resolve the host of {url}", **ctx)
        if _sent_nothing(exc):
            return Unreachable(f"cannot connect to {url} (refused)", retryable=True, **ctx)
        if read:
            return Unreachable(
                f"connection to {url} broke before the answer arrived", retryable=True, **ctx
            )
        return OutcomeUnknown(
            f"connection to {url} broke after the request was sent; the change may or may not "
            "have been applied - re-read the object before trying again",
            **ctx,
        )
