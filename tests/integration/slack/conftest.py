"""The health monitor on cucmsim, as the health tests build it: the Home tab draws from it."""

from tests.integration.health.conftest import db_url, fake, health, make_health, sim

__all__ = ["db_url", "fake", "health", "make_health", "sim"]
