"""A database `serve` cannot open is one clear line on stderr and exit 1, not a traceback.

Real `ctibot serve` processes. The tests run as root in CI containers, where a chmod
does not stop writes, so the read-only places are on /proc: a directory that exists
but takes no new file, and one that cannot be created.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CTIBOT = Path(sys.executable).with_name("ctibot")


def config(tmp_path: Path, database: str) -> Path:
    path = tmp_path / "ctibot.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{database}"\n'
        '[[clusters]]\nname = "lab"\nhost = "127.0.0.1"\nport = 1\nscheme = "http"\n'
        'username = "axladmin"\n[health]\nenabled = false\n'
    )
    return path


def read_only_places(tmp_path: Path) -> list[str]:
    places = ["/proc/self/ctibot.db", "/proc/ctibot-nowhere/ctibot.db"]
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        places.append(str(locked / "ctibot.db"))
    return places


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["run", "version", "--as", "U1"]])
def test_a_database_that_cannot_be_opened_is_one_clear_line(
    tmp_path: Path, command: list[str]
) -> None:
    env = {
        **os.environ,
        "CTIBOT_LAB_PASSWORD": "pw",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "s3cret",
    }
    for database in read_only_places(tmp_path):
        done = subprocess.run(
            [str(CTIBOT), command[0], "-c", str(config(tmp_path, database)), *command[1:]],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 1, (database, done.stderr[-2000:])
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, (database, done.stderr[-2000:])
        assert lines[0].startswith(f"ctibot: cannot open the database sqlite:///{database}: ")
        assert "Traceback" not in done.stderr and "ctibot ready" not in done.stdout
