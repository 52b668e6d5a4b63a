"""The durable record of what ctibot did: change sets, confirmations, Slack deliveries."""
