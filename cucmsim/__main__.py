"""`python -m cucmsim`: run a demo cluster on loopback until Ctrl-C."""

from cucmsim.api import run_forever
from cucmsim.options import SimOptions

run_forever(SimOptions())
