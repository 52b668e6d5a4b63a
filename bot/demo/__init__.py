"""The demo: the bot against the CUCM simulator and a fake Slack, on loopback."""
