"""Every object kind is in the one table, and the runner every front end builds is handed
all of them, whatever the process imported first."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import commands.kinds
from commands.engine.objects import ObjectKind
from commands.kinds.catalog import KINDS

ROOT = Path(__file__).resolve().parents[4]

BUILD_FIRST_THING = """
import json
from sqlalchemy import create_engine
from commands.catalog import build_runner
from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.store import ChangeLog
from tests.unit.commands.fakes import FakeClusters

engine = create_engine("sqlite://")
runner = build_runner(FakeClusters(), ChangeLog(engine), ConfirmationStore(engine), 600)
print(json.dumps(sorted(runner.kinds)))
"""


def declared_kinds() -> list[ObjectKind]:
    """The ObjectKind instances the kinds modules declare."""
    found = []
    for info in pkgutil.iter_modules(commands.kinds.__path__, "commands.kinds."):
        module = importlib.import_module(info.name)
        found += [v for v in vars(module).values() if isinstance(v, ObjectKind)]
    return list({id(kind): kind for kind in found}.values())


def test_every_declared_kind_is_in_the_table_under_its_name() -> None:
    declared = declared_kinds()
    assert len(declared) >= 7
    assert sorted(KINDS) == sorted(kind.name for kind in declared)
    for kind in declared:
        assert KINDS[kind.name] is kind


def test_a_runner_built_first_thing_in_a_process_knows_every_kind() -> None:
    """Apply, undo and the in-flight checks read the kinds their runner was handed: the
    factory hands it every kind though nothing else of ours was imported before it."""
    out = subprocess.run(
        [sys.executable, "-c", BUILD_FIRST_THING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == sorted(kind.name for kind in declared_kinds())
