"""Typed errors of the CUCM service layer.

Callers branch on the class (NotFound vs Duplicate vs Throttled ...), never on zeep or
requests exceptions, and show ``str(error)`` to humans: every message names the operation,
the object and the cluster, and never the password (messages are built from CUCM's
faultstring, our own wording and the URL, none of which carry credentials).
"""

from __future__ import annotations

from typing import TypedDict, Unpack


class Where(TypedDict, total=False):
    """Where an error happened: the keyword arguments every error accepts besides its message."""

    operation: str
    cluster: str
    obj: str


class CucmError(Exception):
    """Base of every error raised by ``bot.cucm``."""

    def __init__(self, message: str, operation: str = "", cluster: str = "", obj: str = "") -> None:
        self.message = message
        self.operation = operation
        self.cluster = cluster
        self.obj = obj
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.operation:
            where.append(self.operation)
        if self.obj:
            where.append(repr(self.obj))
        if self.cluster:
            where.append(f"on cluster {self.cluster}")
        prefix = " ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class NotFound(CucmError):
    """The object the request names does not exist (AXL 5007 and variants)."""


class Duplicate(CucmError):
    """An add collided with an existing object (AXL -239, "A DN exists ...")."""


class InvalidReference(CucmError):
    """A field references an object that does not exist (device pool, partition, CSS, user ...)."""


class Throttled(CucmError):
    """CUCM asked us to slow down (HTTP 503, AXL memory limit, Serviceability rate limit)."""

    def __init__(self, *args: str, rate_limited: bool = False, **kwargs: Unpack[Where]) -> None:
        self.rate_limited = rate_limited
        super().__init__(*args, **kwargs)


class AuthFailed(CucmError):
    """HTTP 401/403: wrong credentials or the account lacks the API role."""

    def __init__(self, *args: str, status: int = 401, **kwargs: Unpack[Where]) -> None:
        self.status = status
        super().__init__(*args, **kwargs)


class Unreachable(CucmError):
    """No answer: refused, DNS, TLS handshake failure, or a reset while reading.

    ``retryable`` is true when repeating cannot do harm and might help (refused before
    anything was sent, reset during a read); false for DNS and certificate problems.
    """

    def __init__(self, *args: str, retryable: bool = False, **kwargs: Unpack[Where]) -> None:
        self.retryable = retryable
        super().__init__(*args, **kwargs)


class Timeout(CucmError):
    """A read got no answer within the read timeout (safe to repeat)."""


class OutcomeUnknown(CucmError):
    """A write was sent and no answer came: it may or may not have been applied.

    Never re-sent automatically; re-read the object (``AxlClient.exists`` or a get_*) to learn
    what happened.
    """


class RequestInvalid(CucmError):
    """The request could not be built from the given values (nothing was sent)."""


class Fault(CucmError):
    """Any other SOAP fault; ``code`` is the AXL error code when CUCM sent one."""

    def __init__(
        self, code: int | None, message: str, operation: str = "", cluster: str = "", obj: str = ""
    ) -> None:
        self.code = code
        super().__init__(message, operation=operation, cluster=cluster, obj=obj)

    def _render(self) -> str:
        base = super()._render()
        return f"{base} (axlcode {self.code})" if self.code is not None else base


class ParameterUnresolved(CucmError):
    """A parameter concept matched no (or more than one) internal name on the node."""

    def __init__(
        self, message: str, *, available: tuple[str, ...] = (), **kwargs: Unpack[Where]
    ) -> None:
        self.available = available
        super().__init__(message, **kwargs)
