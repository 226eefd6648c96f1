"""Small query/command functions the routers and the CLI share (all SQL lives here)."""
