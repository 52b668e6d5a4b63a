"""The doctor's checks, in the order they run: each later one builds on the earlier ones."""

from __future__ import annotations

from bot.doctor.checks.credentials import CREDENTIALS
from bot.doctor.checks.limits import LIMITS
from bot.doctor.checks.parameter_names import PARAMS
from bot.doctor.checks.permissions import PERMISSIONS
from bot.doctor.checks.reach import NODES, REACH
from bot.doctor.checks.tls import TLS
from bot.doctor.run import Check

CHECKS: tuple[Check, ...] = (REACH, NODES, TLS, CREDENTIALS, PERMISSIONS, PARAMS, LIMITS)
