"""One module per kind of Slack request, each with a `register(app, deps)`."""
