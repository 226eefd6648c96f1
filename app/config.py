"""Settings, read once from the environment (prefix ``HUB_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

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
    # (SQLite; app.dedup.queries.merge_new_blocks), run by `hub serve` (0: writers merge them
    # themselves, past a backstop).
    sqlite_block_merge_interval_s: float = 1.0
    db_pool_size: int = 10
    # The change log keeps every change this long, then only the latest per job (0: forever).
    changes_retention_days: int = 30
    # Where students and partners reach the hub (scheme://host[:port][/prefix]): the base of every
    # absolute link (feeds, JSON-LD, job pages). Never the request's Host header, which anyone can
    # set. Unset: http://HUB_HOST:HUB_PORT (development); required in production.
    public_url: str | None = None
    # Host headers the hub answers (comma list; "*.example.cn" matches subdomains; "*": any). Others
    # get a 400 problem. Links never depend on it; this keeps a misrouted or forged Host out.
    trusted_hosts: str = "*"
    # `hub serve` believes X-Forwarded-For/-Proto only from these proxy addresses (comma list, "*": any).
    forwarded_allow_ips: str = "127.0.0.1"
    # /metrics: "token" (Bearer HUB_METRICS_TOKEN, or the admin token when that is unset), "public"
    # (anyone; only behind a proxy that hides it), or "off" (not served by the API: use HUB_METRICS_PORT).
    metrics_access: Literal["token", "public", "off"] = "token"
    metrics_token: str | None = None
    # `hub serve` also serves /metrics on its own listener on this port (0: none), bound to
    # HUB_METRICS_HOST (loopback by default), for a scraper that may not reach the API's port.
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"

    @property
    def base_url(self) -> str:
        """The public base URL, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def trusted_host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.trusted_hosts.split(",") if h.strip()]

    @model_validator(mode="after")
    def _check_public_url(self) -> "Settings":
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
                raise ValueError("HUB_PUBLIC_URL must be an absolute http(s) URL without query or fragment")
        elif self.env == "production":
            raise ValueError("HUB_PUBLIC_URL must be set in production (the base of every absolute link)")
        return self

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
