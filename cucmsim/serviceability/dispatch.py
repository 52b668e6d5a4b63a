"""What every Serviceability request goes through before its operation runs.

The three endpoints agree on the order CUCM answers in: an unknown operation
is the client's error before the node's rate limit counts the request, and
the operation itself sees service transitions settled, under the cluster lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from lxml import etree

from cucmsim.model import Cluster
from cucmsim.serviceability import lifecycle
from cucmsim.serviceability.ratelimit import RateLimiter
from cucmsim.serviceability.xml import bad_request
from cucmsim.soap import SoapFault, SoapRequest

Handler = TypeVar("Handler")


def handler_for(request: SoapRequest, ops: Mapping[str, Handler]) -> Handler:
    operation = etree.QName(request.body).localname
    handler = ops.get(operation)
    if handler is None:
        raise bad_request(f"No such operation '{operation}'")
    return handler


def admit(
    request: SoapRequest, limiter: RateLimiter, rate_fault: Callable[[int], SoapFault]
) -> None:
    """Count the request against its node's limit; over it, the endpoint's own fault."""
    if not limiter.admit(request.node.name):
        raise rate_fault(limiter.limit)


@contextmanager
def settled(cluster: Cluster) -> Iterator[None]:
    """Hold the cluster lock with every due transition finished, so no reader sees it pending."""
    with cluster.lock:
        lifecycle.settle(cluster)
        yield
