"""SQLite writers take turns across processes (``flock`` on ``<file>-writer``), not by polling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import Database
from tests.conftest import IS_PG

pytestmark = pytest.mark.skipif(IS_PG or sys.platform == "win32", reason="the SQLite file's writer lock")

PROBE = "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR)\n" \
        "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n" \
        "except BlockingIOError:\n    print('held')"


def _seen_by_another_process(lock_file: Path) -> str:
    return subprocess.run([sys.executable, "-c", PROBE, str(lock_file)], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_write_holds_the_file_lock_until_it_ends(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    lock_file = tmp_path / "hub.db-writer"
    try:
        with db.write() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
            assert _seen_by_another_process(lock_file) == "held"
        assert _seen_by_another_process(lock_file) == "free"
        with pytest.raises(RuntimeError), db.write() as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
            raise RuntimeError("a failed write lets go too")
        assert _seen_by_another_process(lock_file) == "free"
        with db.read() as session:
            assert session.execute(text("SELECT x FROM t")).scalars().all() == [1]
    finally:
        db.dispose()
