"""What every AXL mixin relies on: one ``SoapService``, the read/write rule and list paging."""

from __future__ import annotations

import re
from typing import Any

from zeep import xsd

from bot.cucm.convert import items, ret, text
from bot.cucm.errors import Fault
from bot.cucm.soap import SoapService

READ_PREFIXES = ("get", "list")
READ_OPERATIONS = frozenset({"executeSQLQuery"})
# Rows asked per list request. CUCM refuses an answer over 8 MB ("Query request too large");
# a thousand rows of the few tags ctibot asks for stay far below that, and an answer that does
# not fit names the page size that would, which the next request uses.
PAGE_ROWS = 1000
_TOO_LARGE = re.compile(r"query request too large", re.IGNORECASE)
_SUGGESTED_ROWS = re.compile(r"suggestive row fetch:\D*(\d+)", re.IGNORECASE)


def smaller_page(error: Fault, asked: int) -> int | None:
    """The page size to retry with after CUCM's "Query request too large", or None."""
    if not _TOO_LARGE.search(error.message) or asked <= 1:
        return None
    match = _SUGGESTED_ROWS.search(error.message)
    suggested = int(match.group(1)) - 1 if match else asked // 2
    return max(1, min(suggested, asked - 1))


class UnsetType:
    """Marks a keyword argument the caller did not pass: that element is omitted, not nulled."""

    _instance: UnsetType | None = None

    def __new__(cls) -> UnsetType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = UnsetType()


def given(**values: Any) -> dict[str, Any]:
    """Only the keyword arguments that were passed; ``None`` becomes an explicit xsi:nil.

    zeep silently drops an optional element whose value is None, which would turn "clear the
    CSS" into "leave the CSS alone"; ``xsd.Nil`` makes the intent explicit on the wire.
    """
    return {
        key: xsd.Nil if value is None else value
        for key, value in values.items()
        if value is not UNSET
    }


class AxlBase:
    """Shared plumbing for the AXL mixins."""

    def __init__(self, service: SoapService) -> None:
        self._soap = service

    @property
    def soap(self) -> SoapService:
        return self._soap

    def _call(self, operation: str, *, obj: str = "", **kwargs: Any) -> Any:
        read = operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS
        return self._soap.call(operation, read=read, obj=obj, **kwargs)

    def _write(self, operation: str, *, obj: str, **kwargs: Any) -> str:
        """Run an add/update/remove/apply/reset and return CUCM's ``{UUID}`` or ``true``."""
        value = ret(self._call(operation, obj=obj, **kwargs))
        return "" if value is None else str(value)

    def _list(
        self,
        operation: str,
        tag: str,
        *,
        obj: str,
        criteria: dict[str, Any],
        tags: dict[str, Any],
        limit: int | None = None,
    ) -> list[Any]:
        """Every matching row (at most ``limit``), read page by page with ``skip``/``first``.

        A result under one page costs one request, as an unpaged list would.
        """
        rows: list[Any] = []
        page = PAGE_ROWS
        while limit is None or len(rows) < limit:
            asked = page if limit is None else min(page, limit - len(rows))
            try:
                response = self._call(
                    operation,
                    obj=obj,
                    searchCriteria=criteria,
                    returnedTags=tags,
                    skip=len(rows),
                    first=asked,
                )
            except Fault as exc:
                smaller = smaller_page(exc, asked)
                if smaller is None:
                    raise
                page = smaller
                continue
            found = items(ret(response), "", tag)
            rows.extend(found)
            if len(found) < asked:
                break
        return rows

    def _list_names(
        self, operation: str, tag: str, like: str, key: str = "name", limit: int | None = None
    ) -> list[str]:
        """The sorted names matching a LIKE pattern, asking CUCM for nothing but the name.

        Several list* calls differ only in their operation, element and key field.
        """
        rows = self._list(
            operation, tag, obj=like, criteria={key: like}, tags={key: ""}, limit=limit
        )
        return sorted(text(found, key) for found in rows)
