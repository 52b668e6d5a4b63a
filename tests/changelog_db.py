"""A migrated SQLite file per test, copied from one upgraded once per session (fast, real)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine

from bot.changelog.db import make_engine, upgrade


def migrated_template(directory: Path) -> Path:
    path = directory / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def fresh_engine(template: Path, directory: Path) -> Engine:
    path = directory / "ctibot.db"
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")
