"""AXL faults, shaped like CUCM's `axlError` detail.

Codes and texts chosen for the simulator (docs/cucm-interfaces.md#faults; CUCM's own wording
for foreign-key errors is unconfirmed, so ours is deliberately distinct
from "not found" so a client can tell them apart):

- -239 `Could not insert new row - duplicate value in a UNIQUE INDEX column
  (Unique Index:).`: add with an existing name or userid.
- 4052 `Cannot insert or update pattern. A DN exists with the same pattern and
  partition.`: duplicate DN (pattern + partition).
- 5007 `Item not valid: The specified <Object> was not found`: get, update,
  remove, apply or reset of an unknown object.
- 5003 `The specified <Object> '<name>' does not exist`: unknown foreign key
  (device pool, location, partition, CSS, user, device, line, group, node).
- 5003 `<field> is required` or a business-rule text (busy trigger above
  max calls, max calls beyond the line's limit, a per-line setting outside
  its enumeration): missing required field in non-strict mode.
- 5003 `The pattern '<p>' is not valid: a leading + must be written \\+ ...`
  or `... contains characters not allowed in a directory number`: a DN
  pattern CUCM would refuse (CUCM's own wording is unconfirmed).
- 5001 `Request failed schema validation: ...`: strict mode only.
- -1 `No such operation '<op>'`: an operation the simulator does not implement.
- -1 `Query request too large. Total rows matched: <n> rows. Suggestive Row Fetch: less than
  <k> rows` (server fault): a list or SQL answer over the response limit (CUCM's is 8 MB).
- -201 `A syntax error has occurred.`: SQL the simulator does not understand.
"""

from __future__ import annotations

from lxml import etree

from cucmsim.soap import SoapFault

DUPLICATE = -239
DUPLICATE_DN = 4052
NOT_FOUND = 5007
INVALID = 5003
SCHEMA = 5001
TOO_LARGE = -1
SQL_SYNTAX = -201

DUPLICATE_TEXT = (
    "Could not insert new row - duplicate value in a UNIQUE INDEX column (Unique Index:)."
)
DUPLICATE_DN_TEXT = (
    "Cannot insert or update pattern. A DN exists with the same pattern and partition."
)


def axl_fault(code: int, message: str, operation: str, client: bool = True) -> SoapFault:
    detail = etree.Element("axlError")
    etree.SubElement(detail, "axlcode").text = str(code)
    etree.SubElement(detail, "axlmessage").text = message
    etree.SubElement(detail, "request").text = operation
    faultcode = "soapenv:Client" if client else "soapenv:Server"
    return SoapFault(message, faultcode, detail)


def not_found(label: str, operation: str) -> SoapFault:
    return axl_fault(NOT_FOUND, f"Item not valid: The specified {label} was not found", operation)


def missing_reference(label: str, name: str, operation: str) -> SoapFault:
    return axl_fault(INVALID, f"The specified {label} '{name}' does not exist", operation)


def duplicate(operation: str) -> SoapFault:
    return axl_fault(DUPLICATE, DUPLICATE_TEXT, operation)


def duplicate_dn(operation: str) -> SoapFault:
    return axl_fault(DUPLICATE_DN, DUPLICATE_DN_TEXT, operation)


def invalid(message: str, operation: str) -> SoapFault:
    return axl_fault(INVALID, message, operation)
