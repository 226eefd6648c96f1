"""Write-behind: deferred statements run in order, every other statement waits for them, and a
failure is raised where SQLAlchemy would raise it, with nothing of the transaction kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import exc, text

from app.writebehind import _KEY, execute_later, write_behind


@pytest.fixture
def table(db: Any) -> Any:
    with db.write() as s:
        s.execute(text("CREATE TABLE IF NOT EXISTS wb_probe (n INTEGER PRIMARY KEY, note TEXT)"))
        s.execute(text("DELETE FROM wb_probe"))
    yield db
    with db.write() as s:
        s.execute(text("DROP TABLE wb_probe"))


def test_deferred_writes_run_in_order_before_any_read_and_before_commit(table: Any) -> None:
    with table.write() as s:
        with write_behind(s):
            deferred = _KEY in s.connection().info
            assert deferred == (not table.sqlite)  # SQLite: nothing is deferred
            for n in range(200):
                execute_later(s, "INSERT INTO wb_probe (n, note) VALUES (:n, :note)", {"n": n, "note": "a"})
            execute_later(s, "UPDATE wb_probe SET note = :note WHERE n < :n", {"note": "b", "n": 100})
            # A read waits for everything queued before it, in order.
            assert s.execute(text("SELECT count(*), min(note), max(note) FROM wb_probe")).one() == (200, "a", "b")
            execute_later(s, "DELETE FROM wb_probe WHERE n >= :n", {"n": 150})
        assert _KEY not in s.connection().info
    with table.read() as s:
        assert s.execute(text("SELECT count(*) FROM wb_probe")).scalar_one() == 150


def test_a_failed_deferred_write_is_raised_and_the_transaction_keeps_nothing(table: Any) -> None:
    with pytest.raises(exc.IntegrityError), table.write() as s, write_behind(s):
        execute_later(s, "INSERT INTO wb_probe (n, note) VALUES (:n, :note)", {"n": 1, "note": "first"})
        execute_later(s, "INSERT INTO wb_probe (n, note) VALUES (:n, :note)", {"n": 1, "note": "clash"})
        execute_later(s, "INSERT INTO wb_probe (n, note) VALUES (:n, :note)", {"n": 2, "note": "after"})
        s.execute(text("SELECT 1"))  # the next statement is where the failure shows
    with table.read() as s:
        assert s.execute(text("SELECT count(*) FROM wb_probe")).scalar_one() == 0
    with table.write() as s, write_behind(s):  # the connection went back to the pool in working order
        execute_later(s, "INSERT INTO wb_probe (n, note) VALUES (:n, :note)", {"n": 3, "note": "ok"})
    with table.read() as s:
        assert s.execute(text("SELECT note FROM wb_probe")).scalars().all() == ["ok"]


def test_an_error_in_python_waits_for_queued_writes_then_rolls_back(table: Any) -> None:
    with pytest.raises(RuntimeError), table.write() as s, write_behind(s):
        for n in range(50):
            execute_later(s, "INSERT INTO wb_probe (n, note) VALUES (:n, :note)", {"n": n, "note": "x"})
        raise RuntimeError("the road in failed half-way")
    with table.read() as s:
        assert s.execute(text("SELECT count(*) FROM wb_probe")).scalar_one() == 0
