"""One ObjectKind per CUCM object type; importing a module registers its kind."""
