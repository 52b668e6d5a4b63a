"""The simulated AXL endpoint (`/axl/`), one module per object family."""

from cucmsim.axl.service import AxlService, is_write

__all__ = ["AxlService", "is_write"]
