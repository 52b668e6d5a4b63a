"""Change one key of one cluster in the TOML settings file, keeping everything else as written.

Administrators comment their config; a command that rewrites it from parsed data would drop
those comments and reorder keys, so the edit goes through tomlkit, which keeps the file's
text apart from the one value changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Table


class ClusterNotInFile(LookupError):
    """The file has no ``[[clusters]]`` entry of that name (it may come from the environment)."""


def set_cluster_key(path: Path, cluster: str, key: str, value: str) -> None:
    """Set ``key = value`` in the ``[[clusters]]`` table named ``cluster``; OSError when the
    file cannot be read or written."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.ParseError as exc:
        raise ClusterNotInFile(f"{path} is not valid TOML: {exc}") from exc
    for table in document.get("clusters", []):
        if table.get("name") == cluster:
            _set(table, key, value)
            break
    else:
        raise ClusterNotInFile(f"{path} has no [[clusters]] entry with name = {cluster!r}")
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def _set(table: Any, key: str, value: str) -> None:
    """Replace the value in place, or add the key after the table's last key: appending
    would put it below the comments that introduce the next table."""
    if key in table:
        table[key] = value
        return
    plain = [k for k in table if not isinstance(table[k], Table | AoT)]
    if not plain:
        table[key] = value
        return
    table.value._insert_after(plain[-1], key, tomlkit.item(value))
