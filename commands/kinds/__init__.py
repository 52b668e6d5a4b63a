"""One ObjectKind per CUCM object type; `catalog.py` lists them all."""
