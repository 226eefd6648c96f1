"""The ``hub`` command as an operator meets it: help on every option, ``--version``, errors
as one readable line, progress bars for the long commands."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory

from app import __version__
from app.cli import build_parser
from app.migrate import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def hub(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    full = {"PATH": os.environ.get("PATH", ""), "HUB_LOG_LEVEL": "WARNING", **(env or {})}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=full, cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_command_and_option_has_help_text() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) >= 10
    missing = [f"{p.prog} {'/'.join(a.option_strings) or a.dest}" for p in parsers for a in p._actions
               if not isinstance(a, argparse._SubParsersAction) and not (a.help or "").strip()]
    assert missing == []
    commands = [c for p in parsers for a in p._actions if isinstance(a, argparse._SubParsersAction)
                for c in a._choices_actions]
    assert commands and all((c.help or "").strip() for c in commands)
    done = hub("serve", "--help")
    assert done.returncode == 0 and "--workers" in done.stdout and "HUB_WORKERS" in done.stdout


def test_version_is_the_package_version() -> None:
    done = hub("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"hub {__version__}"
    from importlib.metadata import version

    assert version("hub24365") == __version__  # pyproject.toml reads app.__version__


def test_bad_input_is_one_readable_line(tmp_path: Path) -> None:
    db = {"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    cases = [
        (["partner", "create", "--name", "深圳大学", "--kind", "alien"], db, 2, ["--kind", "alien", "university"]),
        (["partner", "create", "--name", "深圳大学", "--kind", "university", "--region", "44"], db, 2,
         ["--region", "pattern"]),
        (["partner", "create", "--name", " ", "--kind", "university"], db, 2, ["--name", "empty"]),
        (["serve", "--workers", "0"], db, 2, ["--workers", "1 or more"]),
        (["migrate"], {"HUB_PORT": "eighty"}, 2, ["HUB_PORT", "integer"]),
        (["migrate"], {"HUB_ENV": "production", "HUB_PUBLIC_URL": "https://hub.example.cn"}, 2,
         ["HUB_ADMIN_TOKEN", "real secret"]),
        (["migrate"], {"HUB_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, 1, ["database", "refused"]),
        (["frobnicate"], db, 2, ["invalid choice", "frobnicate"]),
    ]
    for args, env, status, words in cases:
        done = hub(*args, env=env)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == status, (args, done.stderr)
        assert len(lines) == 1 and lines[0].startswith("hub"), (args, done.stderr)
        assert all(w in lines[0] for w in words), (args, lines[0])
        assert "Traceback" not in done.stderr and "usage:" not in done.stderr


def test_migrate_shows_its_progress(tmp_path: Path) -> None:
    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    done = hub("migrate", env={"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/m.db"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"migrated": "head"}
    bar = [line for line in done.stderr.splitlines() if line.strip()]  # text mode read each \r as a newline
    assert bar[0].startswith("migrate [....") and " 0%  0/" in bar[0] and len(bar) == len(revisions) + 1
    assert f"[########################] 100%  {len(revisions)}/{len(revisions)} migrations" in bar[-1]
    quiet = hub("migrate", "--quiet", env={"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/q.db"})
    assert quiet.returncode == 0 and quiet.stderr == ""
    again = hub("migrate", env={"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/m.db"})  # nothing to do: 0/0
    assert again.returncode == 0 and "0/0" in again.stderr


def test_search_rebuild_shows_its_progress(client: Any, partner: tuple[str, str], settings: Any) -> None:
    from tests.conftest import auth, distinct_posting

    client.post("/api/v1/postings/batch", json={"postings": [distinct_posting(i) for i in range(5)]},
                headers=auth(partner[1])).raise_for_status()
    done = hub("search", "rebuild", env={"HUB_DATABASE_URL": settings.database_url})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["indexed_jobs"] == 5
    assert "search rebuild [########################] 100%  5/5 jobs" in done.stderr


def test_settings_command_prints_the_table() -> None:
    done = hub("settings")
    assert done.returncode == 0 and "| `HUB_DATABASE_URL` |" in done.stdout
