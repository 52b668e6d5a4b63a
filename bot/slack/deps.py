"""What the Slack listeners need, passed in one object so each listener stays small."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.logging_setup import request_context, request_id_var
from bot.slack.rbac import RoleResolver
from commands.runner import Runner

if TYPE_CHECKING:
    from bot.changelog.confirmations import ConfirmationStore

log = logging.getLogger(__name__)


class Workers:
    """A bounded pool for the slow part of a request, after Slack has its ack.

    CUCM calls can take seconds; they run here, never on the thread that owes
    Slack the 3-second ack. Exceptions are logged with their traceback
    instead of vanishing inside a Future nobody reads. The request id goes
    along (pool threads do not inherit context variables), so the work's
    logs and its change set say which Slack request caused them.
    """

    def __init__(self, size: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="cti-worker")

    def submit(
        self, work: Callable[..., Any], *args: Any, request_id: str | None = None
    ) -> Future[Any]:
        request_id = request_id or request_id_var.get()
        return self._pool.submit(self._logged, request_id, work, *args)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)

    @staticmethod
    def _logged(request_id: str | None, work: Callable[..., Any], *args: Any) -> Any:
        with request_context(request_id):
            try:
                return work(*args)
            except Exception:
                log.exception("background Slack work %s failed", getattr(work, "__name__", work))
                raise


@dataclass
class SlackDeps:
    runner: Runner
    roles: RoleResolver
    confirmations: ConfirmationStore
    workers: Workers
