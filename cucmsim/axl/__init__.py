"""The simulated AXL endpoint (`/axl/`, `service.py`), one module per object family."""
