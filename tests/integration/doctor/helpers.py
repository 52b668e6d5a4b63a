"""Run `ctibot doctor --json` in-process and pick one check's findings out of its answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bot.cli import app


def doctor_json(config: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["doctor", "--config", str(config), "--json"])
    return result.exit_code, json.loads(result.stdout)


def findings(document: dict[str, Any], check: str) -> dict[str, dict[str, Any]]:
    """The check's findings by subject."""
    (cluster,) = document["clusters"]
    return {f["subject"]: f for f in cluster["findings"] if f["check"] == check}
