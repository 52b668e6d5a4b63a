"""`ctibot doctor`: read-only checks of a real cluster, each with the exact fix."""
