"""Partner feed synchronisation: safe fetching, feed adapters, runs, the scheduler (docs/sync.md)."""
