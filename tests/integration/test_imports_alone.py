"""Every module of bot, commands and cucmsim imports as a process's first import.

An import cycle shows only when the import starts at the wrong module
(`import cucmsim.strict` failed while `import cucmsim` worked), so each module
is imported with none of ours loaded: fresh interpreters, each importing one
module after another and forgetting our modules in between (third-party ones
stay loaded, which is what keeps this to seconds).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "commands", "cucmsim")
WORKERS = 2

CHILD = """
import importlib, json, sys, traceback

def ours(name):
    return name.split(".")[0] in {packages}

failed = {{}}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if ours(m)]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed[name] = traceback.format_exc(limit=-2)
print(json.dumps(failed))
"""


def module_names() -> list[str]:
    """Every module, found on disk (importing them here would defeat the test)."""
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__main__":  # a script: importing it runs it
                continue
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_imports_alone() -> None:
    names = module_names()
    assert "cucmsim.axl.strict" in names and "commands.engine.recovery" in names
    code = CHILD.format(packages=set(PACKAGES))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", code, *names[i::WORKERS]],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    failed: dict[str, str] = {}
    for worker in workers:
        out, _ = worker.communicate(timeout=110)
        assert worker.returncode == 0, out
        failed.update(json.loads(out.splitlines()[-1]))
    assert failed == {}, "\n".join(f"{name}:\n{trace}" for name, trace in failed.items())
