"""Locate, render and parse the WSDLs, once per process.

Parsing a WSDL is the expensive part of zeep (about a second and tens of MiB for Cisco's full
AXL WSDL), and a parsed Document cannot be pickled, so each process keeps one parsed Document
per (WSDL, AXL version) and every cluster builds its cheap ``zeep.Client`` on top of it.

The compact AXL WSDL/XSD on disk are valid for the template version (12.5); other versions
are rendered into a per-process temporary directory by rewriting the namespace and the
SOAPAction version, which must match each other (docs/cucm-interfaces.md#versions).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

from zeep import Settings
from zeep.transports import Transport
from zeep.wsdl import Document

WSDL_DIR = Path(__file__).parent / "wsdl"
AXL_DIR = WSDL_DIR / "axl"
AXL_WSDL = AXL_DIR / "AXLAPI.wsdl"
AXL_XSD = AXL_DIR / "AXLSoap.xsd"
CONTROLCENTER_WSDL = WSDL_DIR / "controlcenter.wsdl"
RIS_WSDL = WSDL_DIR / "ris.wsdl"
PERFMON_WSDL = WSDL_DIR / "perfmon.wsdl"

TEMPLATE_VERSION = "12.5"
AXL_NS_TEMPLATE = "http://www.cisco.com/AXL/API/{version}"
AXL_SERVICE_NS = "http://www.cisco.com/AXLAPIService/"
AXL_BINDING = f"{{{AXL_SERVICE_NS}}}AXLAPIBinding"
AST_NS = "http://schemas.cisco.com/ast/soap"

# strict=False: real CUCM responses deviate from the schema (docs/cucm-interfaces.md#zeep).
# xsd_ignore_sequence_order: our compact response types name only some of CUCM's fields, so
# parse them wherever they appear.
SETTINGS = Settings(strict=False, xml_huge_tree=True, xsd_ignore_sequence_order=True)

_lock = threading.Lock()
_documents: dict[tuple[str, str], Document] = {}
_render_root: Path | None = None


def axl_namespace(version: str) -> str:
    return AXL_NS_TEMPLATE.format(version=version)


def _render_dir() -> Path:
    global _render_root
    if _render_root is None:
        _render_root = Path(tempfile.mkdtemp(prefix="ctibot-axl-"))
        atexit.register(shutil.rmtree, _render_root, True)
    return _render_root


def render_axl(version: str) -> Path:
    """Path of the compact AXLAPI.wsdl for ``version`` (the template itself for 12.5)."""
    if version == TEMPLATE_VERSION:
        return AXL_WSDL
    with _lock:
        target = _render_dir() / version
        wsdl = target / AXL_WSDL.name
        if not wsdl.exists():
            target.mkdir(parents=True, exist_ok=True)
            for source in (AXL_WSDL, AXL_XSD):
                text = source.read_text(encoding="utf-8")
                text = text.replace(axl_namespace(TEMPLATE_VERSION), axl_namespace(version))
                text = text.replace(f"ver={TEMPLATE_VERSION} ", f"ver={version} ")
                (target / source.name).write_text(text, encoding="utf-8")
        return wsdl


def load_document(wsdl: Path, key: str = "") -> Document:
    """The parsed WSDL for ``wsdl`` (cached per process; ``key`` separates renderings)."""
    cache_key = (str(wsdl.resolve()), key)
    with _lock:
        document = _documents.get(cache_key)
        if document is None:
            document = Document(str(wsdl), Transport(), settings=SETTINGS)  # type: ignore[arg-type]  # zeep mis-annotates: it takes an instance
            _documents[cache_key] = document
        return document


def axl_document(version: str, vendor_wsdl: Path | None = None) -> Document:
    """The AXL WSDL to use: a vendor AXLAPI.wsdl when configured, else our compact one."""
    if vendor_wsdl is not None:
        return load_document(vendor_wsdl, key=version)
    return load_document(render_axl(version), key=version)
