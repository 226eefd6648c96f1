"""Apply Alembic migrations, the only way the schema is made (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import text

from alembic import command
from app.db import make_engine, normalise_url


def _alembic_dir() -> Path:
    """The migration scripts: next to the source tree, or in the working folder (the Docker image)."""
    for candidate in (os.environ.get("HUB_ALEMBIC_DIR"), Path(__file__).resolve().parent.parent / "alembic",
                      Path.cwd() / "alembic"):
        if candidate and (Path(candidate) / "env.py").is_file():
            return Path(candidate)
    raise RuntimeError("cannot find the alembic/ migrations folder; set HUB_ALEMBIC_DIR")
_LOCK_ID = 24365


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_alembic_dir()))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate to ``revision`` (the head by default); concurrent callers (several API processes) take turns."""
    _migrate(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> None:
    """Step back to ``revision`` (an operator's undo; the tests check each data migration both ways)."""
    _migrate(url, command.downgrade, revision)


def _migrate(url: str, step: Any, revision: str) -> None:
    engine = make_engine(normalise_url(url), pool_size=1)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_ID})
                conn.commit()
            try:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                conn.commit()
            finally:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_ID})
                    conn.commit()
    finally:
        engine.dispose()
