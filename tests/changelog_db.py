"""A migrated SQLite file per test, copied from one upgraded once per session (fast, real)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.changelog.db import upgrade


def migrated_template(directory: Path) -> Path:
    path = directory / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def fresh_url(template: Path, directory: Path) -> str:
    path = directory / "ctibot.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"
