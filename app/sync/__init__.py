"""Partner feed synchronisation: safe fetching and feed parsing (database-free)."""
