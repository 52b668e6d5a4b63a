"""The catalog is the one list of commands: a command a workflow module declares but the
catalog does not offer would exist in the code and nowhere else."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import commands.workflows
from commands.catalog import WORKFLOW_MODULES, all_specs, build_registry
from commands.engine.base import CommandSpec

MODULES = [
    importlib.import_module(info.name)
    for info in pkgutil.iter_modules(commands.workflows.__path__, "commands.workflows.")
]


def test_every_workflow_module_is_in_the_catalog() -> None:
    assert {m.__name__ for m in MODULES} == {m.__name__ for m in WORKFLOW_MODULES}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_command_a_module_declares_is_in_its_commands(module: ModuleType) -> None:
    listed = module.COMMANDS
    classes = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and callable(getattr(cls, "execute", None))
    ]
    assert classes, "a workflow module declares at least one command class"
    for cls in classes:
        assert any(isinstance(c, cls) for c in listed), f"no {cls.__name__} in COMMANDS"
    instances = [
        value
        for value in vars(module).values()
        if isinstance(getattr(value, "spec", None), CommandSpec) and not inspect.isclass(value)
    ]
    for command in instances:
        assert any(command is c for c in listed), f"{command.spec.name} not in COMMANDS"


def test_the_registry_holds_every_listed_command_and_the_docs_every_spec() -> None:
    listed = [c for module in WORKFLOW_MODULES for c in module.COMMANDS]
    assert sorted(c.spec.name for c in build_registry().all()) == sorted(
        c.spec.name for c in listed
    )
    assert [s.name for s in all_specs()] == sorted(c.spec.name for c in listed)
    assert {"health", "silence", "capacity", "help"} <= {s.name for s in all_specs()}
