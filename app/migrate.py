"""Apply Alembic migrations, the only way the schema is made (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from alembic import command
from app.db import make_engine, normalise_url

# Told before the first step (0, total, "") and after each: (done, total, revision id).
Progress = Callable[[int, int, str], None]


def _alembic_dir() -> Path:
    """The migration scripts: inside the installed package (a wheel ships ``alembic/`` as
    ``app/migrations``), else at the top of the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (os.environ.get("HUB_ALEMBIC_DIR"), here / "migrations", here.parent / "alembic"):
        if candidate and (Path(candidate) / "env.py").is_file():
            return Path(candidate)
    raise RuntimeError("cannot find the migrations (app/migrations or alembic/); set HUB_ALEMBIC_DIR")
_LOCK_ID = 24365


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_alembic_dir()))
    return cfg


def upgrade(url: str, revision: str = "head", progress: Progress | None = None) -> None:
    """Migrate to ``revision`` (the head by default); concurrent callers (several API processes) take turns."""
    _migrate(url, command.upgrade, revision, progress)


def downgrade(url: str, revision: str, progress: Progress | None = None) -> None:
    """Step back to ``revision`` (an operator's undo; the tests check each data migration both ways)."""
    _migrate(url, command.downgrade, revision, progress)


def _steps(conn: Connection, cfg: Config, revision: str, up: bool) -> int:
    """How many migrations lie between the database's revision and ``revision``."""
    current = MigrationContext.configure(conn).get_current_revision()
    script = ScriptDirectory.from_config(cfg)
    if up:
        return len(list(script.iterate_revisions(revision, current)))
    return len(list(script.iterate_revisions(current, revision))) if current else 0


def _migrate(url: str, step: Any, revision: str, progress: Progress | None = None) -> None:
    engine = make_engine(normalise_url(url), pool_size=1)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_ID})
                conn.commit()
            try:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                if progress is not None:
                    total, done = _steps(conn, cfg, revision, step is command.upgrade), [0]

                    def applied(*, step: Any, **_: Any) -> None:
                        done[0] += 1
                        progress(done[0], total, str(step.up_revision_id if step.is_upgrade
                                                     else step.down_revision_ids[0] if step.down_revision_ids
                                                     else "base"))

                    cfg.attributes["on_version_apply"] = applied
                    progress(0, total, "")
                step(cfg, revision)
                conn.commit()
            finally:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_ID})
                    conn.commit()
    finally:
        engine.dispose()
