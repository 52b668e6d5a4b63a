"""One module per group of `/cti` commands, in CUCM's terms."""
