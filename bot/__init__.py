"""ctibot: Slack chat-ops for CUCM CTI applications."""

__version__ = "0.1.0"
