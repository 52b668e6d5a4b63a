"""Strict mode: validate each AXL request against an XSD before executing it.

The schema has one targetNamespace while requests arrive in several AXL
versions, so the request is copied into the schema's namespace first (and
any qualified children are unqualified, as the schema expects).
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

from lxml import etree

from cucmsim.axl import faults
from cucmsim.axl.xml import Element

_AXL_PREFIX = "http://www.cisco.com/AXL/API/"


class SchemaValidator:
    """Loads the schema once; validation is serialized because lxml's error log is shared."""

    def __init__(self, xsd_path: Path) -> None:
        document = etree.parse(str(xsd_path))
        self.namespace = document.getroot().get("targetNamespace") or ""
        self._schema = etree.XMLSchema(document)
        self._lock = threading.Lock()

    def _rewrite(self, body: Element) -> Element:
        copied = copy.deepcopy(body)
        copied.tag = f"{{{self.namespace}}}{etree.QName(body).localname}"
        for elem in copied.iterdescendants():
            if isinstance(elem.tag, str) and elem.tag.startswith("{" + _AXL_PREFIX):
                elem.tag = etree.QName(elem).localname
        return copied

    def check(self, body: Element, operation: str) -> None:
        """Raise the AXL validation fault carrying lxml's first error."""
        candidate = self._rewrite(body)
        with self._lock:
            if self._schema.validate(candidate):
                return
            error = self._schema.error_log[0]
        message = f"Request failed schema validation: line {error.line}: {error.message}"
        raise faults.axl_fault(faults.SCHEMA, message, operation)


def validator_for(xsd_path: Path | None, strict: bool) -> SchemaValidator | None:
    if not strict or xsd_path is None:
        return None
    return SchemaValidator(xsd_path)
