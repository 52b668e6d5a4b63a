"""The machinery every command shares: arguments, plans, apply, replies, the runner."""
