"""Settings, read once from the environment (prefix ``HUB_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER = "change-me"


class Settings(BaseSettings):
    """Everything the hub can be told from outside, with defaults a newcomer can run."""

    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./hub.db"
    admin_token: str = PLACEHOLDER
    # Pepper for the HMAC that API keys are stored under.
    secret_key: str = PLACEHOLDER
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True
    max_body_bytes: int = 10 * 1024 * 1024
    max_batch: int = 1000
    idempotency_ttl_hours: int = 48
    sync_allow_private: bool = False
    # Feed sync (app/sync): body cap per page, overall deadline per fetch, a worker's lease
    # on a source while it runs, how many sources one worker runs at once, pages per run.
    sync_max_bytes: int = 200 * 1024 * 1024
    sync_deadline_s: float = 120.0
    sync_lease_s: float = 300.0
    sync_concurrency: int = 4
    sync_max_pages: int = 500
    # Seconds between housekeeping sweeps (expiry, idempotency purge) in `hub serve`.
    sweep_interval_s: float = 60.0
    # Seconds between merges of the search index's GIN pending lists into the index (PostgreSQL;
    # 0: leave it to autovacuum and to the writers, who merge once a list passes its limit).
    search_merge_interval_s: float = 1.0
    # Seconds between checkpoints of SQLite's write-ahead log into the database file, run beside
    # the writers by `hub serve` (0: leave them to the writers' commits, at 64 MB of log).
    sqlite_checkpoint_interval_s: float = 1.0
    # Seconds between checks whether dedup's new block rows should be merged into their index
    # (SQLite; app.dedup.sqlite.merge_new_blocks), run by `hub serve` (0: writers merge them
    # themselves, past a backstop).
    sqlite_block_merge_interval_s: float = 1.0
    db_pool_size: int = 10
    # The change log keeps every change this long, then only the latest per job (0: forever).
    changes_retention_days: int = 30

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
