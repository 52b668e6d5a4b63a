"""`ctibot serve` as a real subprocess, for the tests that kill or stop it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.demo.loopback import ENV

CTIBOT = Path(sys.executable).parent / "ctibot"


class Served:
    """A `ctibot serve` subprocess; its URL is read from the line it prints when ready."""

    def __init__(self, config: Path, log: Path) -> None:
        env = {**os.environ, **ENV}
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [str(CTIBOT), "serve", "--config", str(config), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        assert line.startswith("ctibot ready: "), line or log.read_text()[-2000:]
        self.url = line.split("ctibot ready: ", 1)[1].strip().removesuffix("/healthz")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
