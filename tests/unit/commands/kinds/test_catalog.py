"""Every object kind is in the one table, and whoever looks kinds up sees all of them
whatever the process imported first."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import commands.kinds
from commands.engine.objects import ObjectKind
from commands.kinds.catalog import KINDS

ROOT = Path(__file__).resolve().parents[4]


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


@pytest.mark.parametrize(
    "module",
    ["commands.engine.recovery", "commands.workflows.undo", "commands.engine.inflight"],
)
def test_a_module_imported_alone_finds_every_kind(module: str) -> None:
    """A process that imports only this module (crash recovery at start) finds every kind."""
    code = f"import json, {module} as m; print(json.dumps(sorted(m.KINDS)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == sorted(KINDS)
