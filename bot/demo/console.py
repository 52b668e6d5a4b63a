"""The demo console: type `/cti …` as in Slack, watch replies and alerts arrive.

The same `execute` serves the interactive prompt and `--script` files, so a
script is a faithful recording of a session. In a script each line waits for
the bot's answer before the next one goes, which keeps runs deterministic
without sprinkling sleeps.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Callable, Iterable
from typing import Literal

import requests
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from bot.cucm.errors import CucmError
from bot.demo.fake_slack import Upload
from bot.demo.feed import Feed
from bot.demo.messages import Message
from bot.demo.script import ScriptError, Step, parse_line
from bot.demo.sim_actions import SimActionError
from bot.demo.stack import ALERT_CHANNEL, DemoStack
from bot.demo.terminal_render import render

Status = Literal["ok", "quit", "failed"]

REPLY_TIMEOUT_S = 20.0
EXPECT_TIMEOUT_S = 30.0

SUGGESTIONS = [
    "/cti help",
    "/cti service status",
    "/cti preflight app-user=ctiapp_ivr device-pool=DP_CTI",
    "/cti create-routepoint RP_SALES 7100 partition=PT_CTI device-pool=DP_CTI "
    "app-user=ctiapp_ivr cfna=6000 cfof=6000 forward-css=CSS_Internal --dry-run",
    "!sim stop cucm-sub1 CTIManager   (then wait: the alert fires in #cti-alerts)",
]

HELP = """\
[bold]/cti <command> …[/]        sent to the bot as a signed Slack slash command
[bold]!click <n>[/]              click button \\[n] of the latest message showing buttons
[bold]!home[/]                   open the app's Home tab (Slack's app_home_opened event)
[bold]!sim nodes[/]              the simulated nodes and their CTIManager status
[bold]!sim stop <node> <service>[/]   Control Center soapDoControlServices (also start, restart)
[bold]!sim fail-app <app_user>[/]     the CTI application dies (recover-app brings it back)
[bold]!sleep <s>[/]              wait, watching what arrives
[bold]!expect <text>[/]          fail (exit 1) unless a message contains text (waits a while)
[bold]!help[/]  [bold]!quit[/]          this help; stop everything (Ctrl-D / Ctrl-C work too)"""


class DemoConsole:
    def __init__(
        self,
        stack: DemoStack,
        out: Console,
        *,
        reply_timeout: float = REPLY_TIMEOUT_S,
        expect_timeout: float = EXPECT_TIMEOUT_S,
    ) -> None:
        self.stack = stack
        self.out = out
        self.reply_timeout = reply_timeout
        self.expect_timeout = expect_timeout
        self.feed = Feed(stack.slack, self._show, stack.client.channel)
        stack.slack.on_shared = self._shared

    def __enter__(self) -> DemoConsole:
        self.feed.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.feed.stop()

    def banner(self) -> None:
        stack = self.stack
        health = stack.settings.health
        lines = [
            "[bold]CUCM simulator[/] cluster [bold]lab[/] (demo seed, strict AXL):",
            *(f"  {n['role']:<10} {n['name']:<10} {n['url']}" for n in stack.sim.nodes()),
            f"[bold]fake Slack Web API[/] {stack.slack.base_url}",
            _transport_line(stack),
            f"[bold]database + config[/] {stack.directory}  (temporary, deleted on exit)",
            f"[bold]you are[/] {stack.client.user} (admin) in channel {stack.client.channel}",
            _health_line(stack.health_running, health.heartbeat_interval, health.fire_after),
            "",
            "[bold]Try:[/]",
            *(f"  {s}" for s in SUGGESTIONS),
            "  !help for the console commands",
        ]
        self.out.print(Panel("\n".join(lines), title="ctibot demo", border_style="cyan"))

    def interactive(self, read_line: Callable[[], str]) -> int:
        """Prompt until !quit, end of input or Ctrl-C (even while waiting for a reply)."""
        with contextlib.suppress(ImportError):
            importlib.import_module("readline")
        try:
            while True:
                try:
                    step = parse_line(read_line())
                except ScriptError as exc:
                    self._error(str(exc))
                    continue
                if step is not None and self.execute(step) == "quit":
                    return 0
        except (EOFError, KeyboardInterrupt):
            self.out.print()
            return 0

    def run_script(self, steps: Iterable[Step]) -> int:
        """Run steps in order; 1 at the first failure (an unmet !expect, a refused line)."""
        try:
            for step in steps:
                self.out.print(Text(f"cti> {step.source}", style="bold cyan"))
                status = self.execute(step)
                if status == "failed":
                    self._error(f"✘ script failed at line {step.line_no}")
                    return 1
                if status == "quit":
                    break
        except KeyboardInterrupt:
            self._error("✘ interrupted")
            return 1
        return 0

    def execute(self, step: Step) -> Status:
        try:
            return self._execute(step)
        except (SimActionError, CucmError, requests.RequestException, RuntimeError) as exc:
            self._error(f"✘ {exc}")
            return "failed"

    def _execute(self, step: Step) -> Status:
        if step.kind == "cti":
            return self._cti(step.text)
        if step.kind == "click":
            return self._click(step.number)
        if step.kind == "home":
            return self._home()
        if step.kind == "sim":
            self.out.print(Text(self.stack.sim_actions.run(step.args), style="magenta"))
            return "ok"
        if step.kind == "sleep":
            time.sleep(step.seconds)
            return "ok"
        if step.kind == "expect":
            return self._expect(step.text)
        if step.kind == "help":
            self.out.print(HELP)
            return "ok"
        return "quit"

    def _cti(self, text: str) -> Status:
        since = self.feed.count
        key = self.stack.client.command(text)

        def answered(m: Message) -> bool:
            return m.key == key or (not m.key and m.channel != ALERT_CHANNEL)

        self._await(answered, since)
        return "ok"

    def _click(self, number: int) -> Status:
        buttons = self.feed.latest_buttons()
        if not 1 <= number <= len(buttons):
            self._error(f"✘ no button [{number}]: the latest message has {len(buttons)}")
            return "failed"
        button = buttons[number - 1]
        self.out.print(Text(f"→ clicking [{number}] {button.label}", style="magenta"))
        since = self.feed.count
        key = self.stack.client.click(button)
        self._await(lambda m: m.key == key or not m.key, since)
        return "ok"

    def _home(self) -> Status:
        since = self.feed.count
        self.stack.client.open_home()
        self._await(lambda m: m.kind == "home", since)
        return "ok"

    def _expect(self, text: str) -> Status:
        if self.feed.wait_for_text(text, self.expect_timeout):
            self.out.print(Text(f"✔ seen: {text}", style="green"))
            return "ok"
        self._error(f"✘ expected {text!r}: not seen within {self.expect_timeout:g}s")
        return "failed"

    def _await(self, match: Callable[[Message], bool], since: int) -> None:
        if not self.feed.wait_for(match, since, self.reply_timeout):
            self.out.print(Text(f"no reply within {self.reply_timeout:g}s", style="yellow"))

    def _error(self, text: str) -> None:
        self.out.print(Text(text, style="red"))

    def _shared(self, upload: Upload) -> None:
        """A file the bot uploaded: the terminal cannot draw it, so say where it was saved."""
        where = f" in thread {upload.thread_ts}" if upload.thread_ts else ""
        self.out.print(
            Text(f"[file] {upload.title} in {upload.channel}{where}: saved to {upload.saved_to}")
        )
        self.out.print()

    def _show(self, message: Message) -> None:
        self.out.print(render(message))
        self.out.print()


def _transport_line(stack: DemoStack) -> str:
    if stack.socket is not None:
        host, port = stack.socket.advertised
        return (
            f"[bold]ctibot[/] Socket Mode to ws://{host}:{port}/link  (envelopes, as from Slack); "
            f"probes on {stack.http.url}"
        )
    return f"[bold]ctibot[/] {stack.http.url}/slack/events  (signed requests, as from Slack)"


def _health_line(running: bool, interval: float, fire_after: int) -> str:
    if not running:
        return "[bold]health checks[/] off"
    return (
        f"[bold]health checks[/] every {interval:g}s; an alert fires after {fire_after} failing "
        f"runs in {ALERT_CHANNEL}"
    )
