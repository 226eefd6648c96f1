"""Write-behind on PostgreSQL: the road in's bulk writes run while Python builds the next ones.

A batch on the road in is a chain of big INSERTs (postings, jobs, signatures, blocks, search
documents, job documents, changes) whose results nobody reads. Sent one after another from the
request's thread, each leaves PostgreSQL idle while Python builds the next table's rows, then
leaves Python idle while PostgreSQL stores them. Inside ``write_behind(session)`` such statements
go to a helper thread that sends them, in order, on the transaction's own connection, and the
request's thread goes on at once. Plain inserts go the same way as ``COPY … FROM STDIN``
(``copy_later``; see ``app.bulk``).

Nothing about the transaction changes: PostgreSQL sees the very same statements in the very same
order. Before any other statement on that connection (a read, an INSERT whose RETURNING is read,
an ORM flush) the request's thread waits until every queued one has run, and so it does when the
block ends, before the commit. A queued statement that fails is raised at that next wait, as
SQLAlchemy would have raised it (``IntegrityError`` …); the transaction then rolls back whole.
SQLite has one connection doing one thing at a time: nothing is deferred there.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import Session

_KEY = "hub_write_behind"


class WriteBehind:
    """The queue of one connection's deferred statements and the helper that sends them."""

    def __init__(self, dbapi_conn: Any, dialect: Dialect) -> None:
        self._conn = dbapi_conn
        self._dialect = dialect
        self._queue: queue.SimpleQueue[tuple[str, Any] | None] = queue.SimpleQueue()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._pending = 0
        self._error: tuple[BaseException, str, Any] | None = None
        # A thread of its own (cheap to start, once per batch), never a bounded pool: a helper
        # idles on its queue while its transaction waits for another's dedup locks, and that
        # other transaction must never wait for a free helper.
        self._helper = threading.Thread(target=self._run, name="hub-write-behind", daemon=True)
        self._helper.start()

    def submit(self, sql: str, params: dict[str, Any] | list[tuple[Any, ...]]) -> None:
        """Queue a statement with its parameters, or a ``COPY … FROM STDIN`` with its rows."""
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._queue.put((sql, params))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            sql, params = item
            if self._error is None:  # after a failure the transaction is lost: skip the rest
                try:
                    if isinstance(params, list):
                        copy_rows(self._conn, sql, params)
                    else:
                        with self._conn.cursor() as cur:
                            cur.execute(sql, params)
                except BaseException as e:  # noqa: BLE001 - raised in the request's thread
                    self._error = (e, sql, None if isinstance(params, list) else params)
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    def wait(self) -> None:
        """Return once every queued statement has run; raise the first one's failure."""
        self._idle.wait()
        if self._error is not None:
            error, sql, params = self._error
            if isinstance(error, self._dialect.loaded_dbapi.Error):
                raise exc.DBAPIError.instance(sql, params, error, self._dialect.loaded_dbapi.Error)
            raise error

    def close(self) -> None:
        """Let the helper finish what is queued (skipped after a failure), then stop it."""
        self._queue.put(None)
        self._helper.join()


@contextmanager
def write_behind(session: Session) -> Iterator[None]:
    """Defer ``execute_later`` statements of this block (PostgreSQL); every one has run, or
    its failure has been raised, when the block ends."""
    conn = session.connection()
    if conn.dialect.name != "postgresql" or _KEY in conn.info:
        yield
        return
    wb = WriteBehind(conn.connection.dbapi_connection, conn.dialect)
    conn.info[_KEY] = wb
    try:
        yield
        wb.wait()
    finally:
        try:
            wb.close()  # runs what is queued: the connection never goes back (to roll back) mid-statement
        finally:
            del conn.info[_KEY]


def execute_later(session: Session, sql: str, params: dict[str, Any]) -> None:
    """Run ``sql`` (bound parameters as ``:name``) now, or queue it inside ``write_behind``."""
    conn = session.connection()
    wb: WriteBehind | None = conn.info.get(_KEY)
    if wb is None:
        conn.execute(text(sql), params)
        return
    wb.submit(_compiled(sql, conn.dialect), params)


def copy_later(session: Session, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Run ``COPY … FROM STDIN`` (``sql``) with ``rows`` now, or queue it inside ``write_behind``
    (PostgreSQL). A failure is raised as SQLAlchemy's ``DBAPIError`` subclass, as for a statement."""
    conn = session.connection()
    wb: WriteBehind | None = conn.info.get(_KEY)
    if wb is not None:
        wb.submit(sql, rows)
        return
    dbapi_conn = conn.connection.dbapi_connection
    try:
        copy_rows(dbapi_conn, sql, rows)
    except conn.dialect.loaded_dbapi.Error as e:
        raise exc.DBAPIError.instance(sql, None, e, conn.dialect.loaded_dbapi.Error) from e


def copy_rows(dbapi_conn: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Send ``rows`` through psycopg's ``COPY … FROM STDIN`` on ``dbapi_conn``."""
    with dbapi_conn.cursor() as cur, cur.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


@lru_cache(maxsize=256)
def _compiled(sql: str, dialect: Dialect) -> str:
    return str(text(sql).compile(dialect=dialect))


def install(engine: Engine) -> None:
    """Make every other statement on a connection wait for its queued ones (PostgreSQL engines)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _wait_for_queued(conn: Connection, *_args: Any) -> None:
        wb: WriteBehind | None = conn.info.get(_KEY)
        if wb is not None:
            wb.wait()

    @event.listens_for(engine, "commit")
    def _wait_before_commit(conn: Connection) -> None:
        wb: WriteBehind | None = conn.info.get(_KEY)
        if wb is not None:
            wb.wait()
