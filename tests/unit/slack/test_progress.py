from typing import Any

from bot.slack.progress import MessageProgress


class Client:
    def __init__(self, fail: bool = False) -> None:
        self.updates: list[dict[str, Any]] = []
        self.fail = fail
        self.attempts = 0

    def chat_update(self, **kwargs: Any) -> None:
        self.attempts += 1
        if self.fail:
            raise RuntimeError("ratelimited")
        self.updates.append(kwargs)


def test_quick_jobs_show_nothing_and_long_ones_are_spaced() -> None:
    now = [0.0]
    client = Client()
    progress = MessageProgress(client, "C1", "1.0", interval_s=2.0, clock=lambda: now[0])  # type: ignore[arg-type]  # a WebClient stand-in
    progress("[1/40] first")
    now[0] = 2.5
    progress("[20/40] twentieth")
    now[0] = 3.0
    progress("[25/40] too soon")
    now[0] = 4.6
    progress("[39/40] late")
    assert [u["text"].split("… ")[1] for u in client.updates] == [
        "[20/40] twentieth",
        "[39/40] late",
    ]
    assert {(u["channel"], u["ts"]) for u in client.updates} == {("C1", "1.0")}


def test_a_failed_edit_never_fails_the_job() -> None:
    now = [0.0]
    client = Client(fail=True)
    progress = MessageProgress(client, "C1", "1.0", clock=lambda: now[0])  # type: ignore[arg-type]  # a WebClient stand-in
    now[0] = 10.0
    progress("[2/3] step")  # the edit raises; the job goes on
    assert client.attempts == 1
