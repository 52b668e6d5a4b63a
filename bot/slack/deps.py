"""What the Slack listeners need, passed in one object so each listener stays small."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.logging_setup import request_context, request_id_var
from bot.slack.rbac import RoleResolver
from commands.engine.runner import Runner

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
        self._idle = threading.Condition()
        self._outstanding = 0  # queued or running: a graceful stop waits for none left

    def submit(
        self, work: Callable[..., Any], *args: Any, request_id: str | None = None
    ) -> Future[Any]:
        request_id = request_id or request_id_var.get()
        with self._idle:
            self._outstanding += 1
        return self._pool.submit(self._logged, request_id, work, *args)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every submitted request has been answered; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._outstanding == 0, timeout)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)

    def _logged(self, request_id: str | None, work: Callable[..., Any], *args: Any) -> Any:
        with request_context(request_id):
            try:
                return work(*args)
            except Exception:
                log.exception("background Slack work %s failed", getattr(work, "__name__", work))
                raise
            finally:
                with self._idle:
                    self._outstanding -= 1
                    self._idle.notify_all()


@dataclass
class SlackDeps:
    runner: Runner
    roles: RoleResolver
    confirmations: ConfirmationStore
    workers: Workers
