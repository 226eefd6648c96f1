"""Settings, read once from the environment (prefix ``HUB_``).

Each setting's docstring is its meaning in the README's settings table (``hub settings``
prints the table; a test checks the README carries it), so a new setting is documented
where it is declared.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER = "change-me"


class Settings(BaseSettings):
    """Everything the hub can be told from outside, with defaults a newcomer can run."""

    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore", use_attribute_docstrings=True)

    env: Literal["development", "test", "production"] = "development"
    """`production` refuses placeholder secrets (`HUB_ADMIN_TOKEN`, `HUB_SECRET_KEY`)."""
    database_url: str = "sqlite:///./hub.db"
    """`postgresql://user@host:5432/db` for PostgreSQL (psycopg 3 is picked for you)."""
    admin_token: str = PLACEHOLDER
    """Bearer token for the admin endpoints; a real secret (16+ characters) in production."""
    secret_key: str = PLACEHOLDER
    """HMAC key for stored API-key hashes and cursors; a real secret in production, the same on every machine."""
    host: str = "127.0.0.1"
    """Where `hub serve` listens (`0.0.0.0` in a container)."""
    port: int = 8000
    """The port `hub serve` listens on."""
    workers: int = 1
    """API processes `hub serve` starts on that port (`--workers`); `/metrics` sums them."""
    log_level: str = "INFO"
    """Log level: DEBUG, INFO, WARNING, ERROR."""
    log_json: bool = True
    """Logs as one JSON object per line (off: plain text)."""
    scheduler_log_level: str = "WARNING"
    """Log level of APScheduler, which logs every run of every job at INFO."""
    max_body_bytes: int = 10 * 1024 * 1024
    """Largest request body accepted (413 past it)."""
    max_batch: int = 1000
    """Most postings in one batch push."""
    idempotency_ttl_hours: int = 48
    """How long `Idempotency-Key` answers are kept for replay."""
    sync_allow_private: bool = False
    """Let feed sources and webhooks use loopback and private addresses (development and the demo only)."""
    sync_max_bytes: int = 200 * 1024 * 1024
    """Largest feed page the sync fetches."""
    sync_deadline_s: float = 120.0
    """Seconds one feed fetch may take in all."""
    sync_lease_s: float = 300.0
    """Seconds a worker holds a source while it runs (another worker takes it over after)."""
    sync_concurrency: int = 4
    """Sources one worker syncs at once (`hub worker --concurrency`)."""
    sync_max_pages: int = 500
    """Most pages one sync run follows."""
    sweep_interval_s: float = 60.0
    """Seconds between housekeeping sweeps (expiry, idempotency purge, ANALYZE of stale tables)."""
    search_merge_interval_s: float = 1.0
    """PostgreSQL: seconds between merges of the search index's GIN pending lists (0: leave it to autovacuum)."""
    sqlite_checkpoint_interval_s: float = 1.0
    """SQLite: seconds between checkpoints of the write-ahead log beside the writers (0: writers do it)."""
    sqlite_block_merge_interval_s: float = 1.0
    """SQLite: seconds between merges of dedup's new block rows into their index (0: writers do it)."""
    db_pool_size: int = 10
    """Database connections each process keeps open."""
    changes_retention_days: int = 30
    """The change log keeps every change this many days, then only the latest per job (0: forever)."""

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> "Settings":
        if self.env == "production":
            for name in ("admin_token", "secret_key"):
                if getattr(self, name) == PLACEHOLDER or len(getattr(self, name)) < 16:
                    raise ValueError(f"HUB_{name.upper()} must be set to a real secret in production")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache to change them)."""
    return Settings()
