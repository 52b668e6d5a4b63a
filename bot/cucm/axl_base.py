"""What every AXL mixin relies on: one ``SoapService`` and the read/write rule."""

from __future__ import annotations

from typing import Any

from zeep import xsd

from bot.cucm.convert import items, ret, text
from bot.cucm.soap import SoapService

READ_PREFIXES = ("get", "list")


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
        read = operation.startswith(READ_PREFIXES)
        return self._soap.call(operation, read=read, obj=obj, **kwargs)

    def _write(self, operation: str, *, obj: str, **kwargs: Any) -> str:
        """Run an add/update/remove/apply/reset and return CUCM's ``{UUID}`` or ``true``."""
        value = ret(self._call(operation, obj=obj, **kwargs))
        return "" if value is None else str(value)

    def _list_names(self, operation: str, tag: str, like: str, key: str = "name") -> list[str]:
        """The sorted names matching a LIKE pattern, asking CUCM for nothing but the name.

        Several list* calls differ only in their operation, element and key field.
        """
        response = self._call(
            operation, obj=like, searchCriteria={key: like}, returnedTags={key: ""}
        )
        return sorted(text(found, key) for found in items(ret(response), "", tag))
