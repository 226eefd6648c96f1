"""Settings, read once from the environment (prefix ``HUB_``).

Each setting's docstring is its meaning in the README's settings table (``hub settings``
prints the table; a test checks the README carries it), so a new setting is documented
where it is declared.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
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
    memory_trim_interval_s: float = 10.0
    """Seconds between returns of the C allocator's free memory to the system (glibc `malloc_trim`; 0: never)."""
    db_pool_size: int = 10
    """Database connections each process keeps open."""
    changes_retention_days: int = 30
    """The change log keeps every change this many days, then only the latest per job (0: forever)."""
    report_snapshot_at: str = Field(default="17:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    """Beijing time (`HH:MM`) a reporting day ends and the worker snapshots every province's figures."""
    report_cutoff: str = Field(default="17:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    """Beijing time (`HH:MM`) after which a province's submission for its day is accepted and marked late."""
    report_provisional_s: float = 600.0
    """Seconds between the worker's provisional snapshots of today so far (0: none; today is computed on each read)."""
    case_retention_days: int = Field(default=365, ge=0)
    """Hardship case files are erased this many days after the end of the graduate's year (0: never)."""
    console_session_idle_minutes: int = Field(default=30, ge=1)
    """The operators' console signs a staff user out after this many minutes without a request."""
    console_session_max_hours: int = Field(default=12, ge=1)
    """A console session ends this many hours after sign-in, however busy."""
    console_lockout_attempts: int = Field(default=5, ge=1)
    """Wrong passwords in a row that lock a staff user's sign-in for `HUB_CONSOLE_LOCKOUT_MINUTES`."""
    console_lockout_minutes: int = Field(default=15, ge=1)
    """How long a staff user's sign-in stays locked after too many wrong passwords."""
    console_signin_backoff_s: float = Field(default=0.5, ge=0)
    """Console sign-in: after the second failure for a login, each answer waits this long, doubling per failure (up to 8 s)."""
    public_url: str | None = None
    """Where students and partners reach the hub (`scheme://host[:port][/prefix]`): the base of every absolute link (feeds, JSON-LD, job pages), never the request's Host header. Unset: `http://HUB_HOST:HUB_PORT`; required in production."""
    trusted_hosts: str = "*"
    """Host headers the hub answers (comma list; `*.example.cn` matches subdomains; `*`: any); others get a 400 problem."""
    forwarded_allow_ips: str = "127.0.0.1"
    """`hub serve` believes X-Forwarded-For/-Proto only from these proxy addresses (comma list, `*`: any)."""
    metrics_access: Literal["token", "public", "off"] = "token"
    """`/metrics`: `token` (Bearer `HUB_METRICS_TOKEN`, or the admin token when that is unset), `public` (only behind a proxy that hides it), or `off` (use `HUB_METRICS_PORT`)."""
    metrics_token: str | None = None
    """Bearer token for `/metrics` (unset: the admin token)."""
    metrics_port: int = 0
    """`hub serve` also serves `/metrics` on a listener of its own on this port (0: none), bound to `HUB_METRICS_HOST`."""
    metrics_host: str = "127.0.0.1"
    """Where the `HUB_METRICS_PORT` listener binds (loopback by default)."""
    database_read_url: str | None = None
    """PostgreSQL hot standbys (comma list of `postgresql://` URLs) for anonymous reads: search, job, employer and fair pages, feeds and exports. Writes, partners' own reads and the change feed stay on `HUB_DATABASE_URL`."""
    read_max_lag_s: float = Field(default=5.0, ge=0)
    """A standby further behind the primary than this many seconds (or down) is skipped; reads then go to the primary."""
    read_check_interval_s: float = Field(default=1.0, gt=0)
    """Seconds between checks of each standby's lag (per API process)."""
    redis_url: str | None = None
    """Redis (`redis://host:6379/0`) the API processes share rate limits and cached counts through; unset: each process keeps its own. The hub keeps serving if Redis goes away."""
    redis_prefix: str = "hub:"
    """Prefix of every Redis key the hub writes (several hubs can share one Redis)."""
    counts_max_age_s: float = Field(default=5.0, ge=0)
    """Seconds search totals and facet counts may be reused while partners push (0: recount after every change); results themselves are always fresh."""
    http_cache_max_age_s: int = Field(default=10, ge=0)
    """`Cache-Control: public, max-age` of anonymous GETs (search, pages, feeds, exports, fairs); 0: `no-cache` (still with ETags)."""
    rate_limit: bool = True
    """Rate limits on (429 with `Retry-After` past them); `/healthz`, `/readyz` and `/metrics` are never limited."""
    rate_limit_anonymous: str = "50/second;2000/minute"
    """Limits per client address for requests without an API key (`N/second`, `N/minute`, `;` between several)."""
    rate_limit_partner: str = "100/second;5000/minute"
    """Limits per API key (partners; the admin token counts as one key)."""
    client_address_header: str | None = None
    """Header holding the real client address (e.g. `X-Real-IP`), believed only from `HUB_FORWARDED_ALLOW_IPS`; unset: the connection's address (which `hub serve` already takes from `X-Forwarded-For` of a trusted proxy)."""

    @property
    def base_url(self) -> str:
        """The public base URL, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def read_urls(self) -> list[str]:
        return [u.strip() for u in (self.database_read_url or "").split(",") if u.strip()]

    def trusted_host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.trusted_hosts.split(",") if h.strip()]

    @model_validator(mode="after")
    def _check_rate_limits(self) -> Settings:
        from limits import parse_many

        for name in ("rate_limit_anonymous", "rate_limit_partner"):
            try:
                if not parse_many(getattr(self, name)):
                    raise ValueError
            except ValueError:
                raise ValueError(f"HUB_{name.upper()} must be limits like '30/second;600/minute'") from None
        return self

    @model_validator(mode="after")
    def _check_public_url(self) -> Settings:
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
                raise ValueError("HUB_PUBLIC_URL must be an absolute http(s) URL without query or fragment")
        elif self.env == "production":
            raise ValueError("HUB_PUBLIC_URL must be set in production (the base of every absolute link)")
        return self

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.env == "production":
            for name in ("admin_token", "secret_key"):
                if getattr(self, name) == PLACEHOLDER or len(getattr(self, name)) < 16:
                    raise ValueError(f"HUB_{name.upper()} must be set to a real secret in production")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache to change them)."""
    return Settings()
