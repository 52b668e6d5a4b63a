"""ctibot as a user installs it: the wheel built, pip-installed into a fresh virtualenv
outside the checkout, and every console command run from there.

The virtualenv gets the project's dependencies by a path line pointing at this test
environment's site-packages (no registry, and seconds instead of a full install); the
checkout itself is never on its path, so only what the wheel carries can be found.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

import bot
from bot.changelog.db import head_revision
from bot.demo.fake_slack import FakeSlack
from bot.demo.loopback import ENV
from tests.postgres import PostgresServer
from tests.waiting import wait_until

CHECKOUT = Path(__file__).resolve().parents[2]
ADMIN = "UWHEEL1"
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    venv: Path
    home: Path  # a working directory outside the checkout
    env: dict[str, str]

    @property
    def ctibot(self) -> str:
        return str(self.venv / "bin" / "ctibot")

    def run(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.ctibot, *args],
            cwd=self.home,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [self.ctibot, *args],
            cwd=self.home,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


def build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", str(out)],
        cwd=CHECKOUT,
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("ctibot-*.whl")
    return wheel


def uv() -> str:
    """The uv that `make` bootstraps into .tools/, else one on PATH."""
    found = CHECKOUT / ".tools" / "bin" / "uv"
    path = str(found) if found.exists() else shutil.which("uv")
    if path is None:
        pytest.fail("no uv: run `make` once to bootstrap .tools/bin/uv")
    return path


def install(wheel: Path, target: Path) -> None:
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    subprocess.run(
        [uv(), "pip", "install", "--quiet", "--offline", "--no-deps", "--python", python, wheel],
        check=True,
        capture_output=True,
    )
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A bare path line: the directory joins sys.path, but its own .pth files (among them
    # the editable install's pointer at the checkout) are not processed.
    (Path(purelib) / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(root / "dist")
    install(wheel, root / "venv")
    home = root / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CTIBOT_"))}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env |= ENV | {"COLUMNS": "200", "CTIBOT_USER": ADMIN}
    return Installed(root / "venv", home, env)


@pytest.fixture(scope="module")
def sim(installed: Installed) -> Iterator[dict[str, str]]:
    """The installed `ctibot sim` (it serves the WSDLs the wheel carries); node name -> URL."""
    process = installed.start("sim", "--port", "0", "--seed", "demo")
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(4)]
    try:
        nodes = dict(re.findall(r"^\s+\S+\s+(\S+)\s+(http://\S+)$", "".join(lines), re.M))
        assert len(nodes) == 3, lines
        yield nodes
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def config(installed: Installed, sim: dict[str, str]) -> Iterator[Path]:
    publisher = sim["cucm-pub"]
    host, port = publisher.removeprefix("http://").split(":")
    addresses = {name: url.removeprefix("http://").split(":")[0] for name, url in sim.items()}
    nodes = ", ".join(f'"{name}" = "{address}"' for name, address in addresses.items())
    with FakeSlack() as fake:
        path = installed.home / "ctibot.toml"
        path.write_text(
            f"""
[slack]
api_url = "{fake.base_url}"
alert_channel = "CALERTS"

[database]
url = "sqlite:///{installed.home / "data" / "ctibot.db"}"

[[clusters]]
name = "lab"
host = "{host}"
port = {port}
scheme = "http"
username = "axladmin"
axl_version = "14.0"
verify_tls = false
nodes = {{ {nodes} }}

[health]
enabled = false

[rbac]
admins = ["{ADMIN}"]
"""
        )
        yield path


def test_the_installed_package_is_not_the_checkout(installed: Installed) -> None:
    where = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
        cwd=installed.home,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.venv), where


def test_version(installed: Installed) -> None:
    result = installed.run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ctibot {bot.__version__}"


def test_check_config_then_db_upgrade_then_log_export(installed: Installed, config: Path) -> None:
    checked = installed.run("check-config", "--config", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    upgraded = installed.run("db", "upgrade", "--config", str(config))
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert upgraded.stdout.strip() == f"database at revision {head_revision()}"
    current = installed.run("db", "current", "--config", str(config))
    assert current.returncode == 0, current.stdout + current.stderr
    exported = installed.run("log", "export", "--config", str(config))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("change_set_id,"), exported.stdout


def test_run_a_command_against_the_simulator(installed: Installed, config: Path) -> None:
    result = installed.run("run", "--config", str(config), "/cti version")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ctibot {bot.__version__}" in result.stdout, result.stdout
    assert re.search(r"lab\s.*12\.5\.1\.11900-146\s.*ok", result.stdout), result.stdout


def test_serve_becomes_ready_against_the_simulator(installed: Installed, config: Path) -> None:
    process = installed.start("serve", "--config", str(config), "--port", "0")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        while line and not line.startswith("ctibot ready: "):
            line = process.stdout.readline()
        assert line.startswith("ctibot ready: "), line
        base = line.split("ctibot ready: ", 1)[1].strip().removesuffix("/healthz")
        wait_until(
            lambda: requests.get(f"{base}/readyz", timeout=10).status_code == 200,
            timeout=20,
            step=0.2,
            what="/readyz 200",
        )
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_demo_script(installed: Installed, tmp_path: Path) -> None:
    script = tmp_path / "demo.script"
    script.write_text("/cti version\n!expect ctibot " + bot.__version__ + "\n")
    result = installed.run(
        "demo", "--script", str(script), "--health-interval", "1", "--expect-timeout", "15"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo stopped" in result.stdout


def test_db_upgrade_on_postgresql(
    installed: Installed, config: Path, postgres: PostgresServer
) -> None:
    name = f"ctibot_wheel_{os.getpid()}"
    postgres.drop_database(name)
    url = postgres.create_database(name)
    try:
        on_postgres = {**installed.env, "CTIBOT_DATABASE__URL": url}
        upgraded = installed.run("db", "upgrade", "--config", str(config), env=on_postgres)
        assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
        assert upgraded.stdout.strip() == f"database at revision {head_revision()}"
    finally:
        postgres.drop_database(name)
