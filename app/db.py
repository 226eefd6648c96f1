"""Engine, sessions and the few differences between SQLite and PostgreSQL.

SQLite: WAL, a busy timeout, and write transactions opened with ``BEGIN IMMEDIATE``
behind a process-wide lock, so concurrent writers queue instead of failing with
"database is locked". PostgreSQL: psycopg 3 with a connection pool, and optionally hot
standbys for anonymous reads (``ReadReplicas``; ``Database.read_public``).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from prometheus_client import Counter
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Engine,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
log = logging.getLogger("hub.db")
READS = Counter("hub_public_reads_total", "Anonymous reads by where they ran", ["target"])
REPLICA_FAILURES = Counter("hub_replica_failures_total", "Standby checks or reads that failed (reads went to the primary)")

_SQLITE_WRITE_LOCK = threading.RLock()
try:
    import fcntl
except ImportError:  # not POSIX: SQLite's own busy handler is then the only turn-taking between processes
    # mypy types the name as the module; None marks its absence here
    fcntl = None  # type: ignore[assignment]


class SqliteWriterLock:
    """One writer at a time on a SQLite file: among this process's threads (a re-entrant lock) and
    among processes (``flock`` on ``<file>-writer``: several API workers, the sync worker, the CLI).
    SQLite would serialise them anyway, but a writer that finds the file locked polls with sleeps
    of up to 100 ms, and the lock sits idle meanwhile; ``flock`` hands it over at once."""

    def __init__(self, path: str | None) -> None:
        self.path = f"{path}-writer" if path and fcntl is not None else None
        self._fd: int | None = None
        self._pid = 0
        self._depth = 0  # guarded by the thread lock

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child needs its own open file
            assert self.path is not None  # only called when there is a file to lock
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            self._pid = os.getpid()
        return self._fd

    def acquire(self) -> None:
        _SQLITE_WRITE_LOCK.acquire()
        try:
            if self._depth == 0 and self.path:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            _SQLITE_WRITE_LOCK.release()
            raise
        self._depth += 1

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid() and self._depth == 0:
            os.close(self._fd)
        self._fd = None

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self.path and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            _SQLITE_WRITE_LOCK.release()


WAL_BACKSTOP_PAGES = 16384


def normalise_url(url: str) -> str:
    """Let partners' ops teams write a plain ``postgresql://`` URL; the hub picks psycopg 3."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, pool_size: int = 10, connect_timeout: int | None = None) -> Engine:
    url = normalise_url(url)
    common: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if connect_timeout is not None:
        common["connect_args"] = {"connect_timeout": connect_timeout}
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 60}, pool_size=pool_size, **common
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, **common)
    _configure_postgresql(engine)
    _ping_idle_connections(engine)
    from app.writebehind import install

    install(engine)
    return engine


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # No JIT compilation: the hub's queries are short, and compiling a plan whose estimate
        # crosses jit_above_cost (dedup's block lookup) took longer than running it (figures:
        # bench/RESULTS.md). Set per connection, so it holds behind a pooler too.
        with dbapi_conn.cursor() as cur:
            cur.execute("SET jit = off")
        dbapi_conn.commit()


PING_IDLE_S = 10.0


def _ping_idle_connections(engine: Engine) -> None:
    """Pessimistic disconnect handling, for connections that sat idle: a pooled connection unused
    for ``PING_IDLE_S`` is pinged when checked out, and replaced if the server is gone (a restart,
    a failover). ``pool_pre_ping`` would ping at every checkout: a round trip per request, which
    under load costs a scheduling of the server process each time (bench/RESULTS.md, issue 22)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["hub_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("hub_idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_S:
            return
        try:
            dbapi_conn.execute("SELECT 1")
            dbapi_conn.commit()  # not rollback: psycopg forgets its prepared statements at a ROLLBACK
        except Exception as exc:  # noqa: BLE001 - any failure means a connection not worth keeping
            raise DisconnectionError(str(exc)[:200]) from exc


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        # 32 MB of page cache (the default is 2 MB): the road in writes to several indexes
        # keyed by hashes (job blocks, search), whose pages are all over a large file.
        cur.execute("PRAGMA cache_size=-32768")
        # The API processes copy the write-ahead log into the database file every second, beside
        # the writers (app.housekeeping.checkpoint_wal); a writer's own commit does it only past
        # this many pages (64 MB at 4 KB pages; SQLite's default is 1,000), e.g. in a process
        # that runs no such loop: it was most of a writer's commit (bench/RESULTS.md).
        cur.execute(f"PRAGMA wal_autocheckpoint={WAL_BACKSTOP_PAGES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("hub_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "sqlite"


def dialect_insert(session: Session, table: Any) -> Any:
    """INSERT with ``on_conflict_do_*`` for whichever database the session talks to."""
    mod = sqlite if is_sqlite(session) else postgresql
    return mod.insert(table)


def among(session: Session, column: Any, values: Iterable[Any], *, hashed: bool = False) -> ColumnElement[bool]:
    """``column IN values`` as one parameter, so the statement's text does not depend on how
    many values there are: ``= ANY(array)`` on PostgreSQL, ``IN (SELECT value FROM
    json_each(?))`` on SQLite. Saves compiling, sending and parsing hundreds of placeholders
    per batch on the road in. Values are strings or integers.

    ``hashed`` (PostgreSQL): ``IN (SELECT unnest(array))`` instead, which the planner can answer
    with a hash or an index probe per value. For tables the planner may choose to scan (the
    employers, small next to the postings): a prepared statement's generic plan tests ``= ANY($1)``
    by comparing each row with every value in turn (bench/RESULTS.md)."""
    vals = list(values)
    if is_sqlite(session):
        each = func.json_each(bindparam(None, orjson.dumps(vals).decode()))
        return column.in_(select(literal_column("value")).select_from(each))
    array = bindparam(None, vals, type_=ARRAY(column.type))
    if hashed:
        return column.in_(select(func.unnest(array)))
    return column == any_(array)


class Database:
    """One engine and its session factory; the app and the CLI each hold one. ``replicas``:
    hot standbys for ``read_public`` (set by the app from ``HUB_DATABASE_READ_URL``)."""

    def __init__(self, url: str, *, pool_size: int = 10, connect_timeout: int | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, pool_size=pool_size, connect_timeout=connect_timeout)
        self.replicas: ReadReplicas | None = None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.sqlite = self.engine.dialect.name == "sqlite"
        database = make_url(self.url).database if self.sqlite else None
        self._writer = SqliteWriterLock(database if database and database != ":memory:" else None) \
            if self.sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read: its transaction ends with COMMIT, not the pool's ROLLBACK. The two are the same
        to a transaction that wrote nothing, but psycopg forgets every statement it prepared on
        that connection at a ROLLBACK (``DEALLOCATE ALL``), and each request's key lookup is a
        read: the road in's statements were parsed and planned afresh on almost every batch."""
        with self.sessions() as session:
            yield session
            session.commit()

    def read_public(self, fn: Callable[[Session], T]) -> T:
        """An anonymous read (search, a job, an employer, fairs, feeds, exports): on a standby
        that is up and within the lag bound when there is one, else on this database. A standby
        that fails mid-read is marked down and the read runs again here."""
        replica = self.replicas.pick() if self.replicas is not None else None
        if replica is not None:
            try:
                with replica.read() as session:
                    result = fn(session)
                READS.labels("replica").inc()
                return result
            except (OperationalError, DBAPIError) as exc:
                if isinstance(exc, DBAPIError) and not exc.connection_invalidated \
                        and not isinstance(exc, OperationalError):
                    raise
                self.replicas.failed(replica, exc)  # type: ignore[union-attr]
        READS.labels("primary").inc()
        with self.read() as session:
            return fn(session)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commit on success, roll back on any error."""
        lock = self._writer
        if lock is not None:
            lock.acquire()
        try:
            with self.sessions() as session:
                session.connection(execution_options={"hub_write": True})
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if lock is not None:
                lock.release()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._writer is not None:
            self._writer.close()
        if self.replicas is not None:
            self.replicas.dispose()


def _lsn(value: str) -> int:
    """A WAL position ("16/B374D848") as a number."""
    high, _, low = value.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


class _Standby:
    def __init__(self, url: str, pool_size: int) -> None:
        self.db = Database(url, pool_size=pool_size, connect_timeout=2)
        self.up = False
        self.lag_s = math.inf


class ReadReplicas:
    """PostgreSQL hot standbys of ``primary`` serving anonymous reads, each used only while it is
    up, still a standby, and at most ``max_lag_s`` behind the primary.

    Lag is measured on positions in the write-ahead log, not on timestamps (which stand still
    on an idle primary): every check notes the primary's current position and the time, then
    asks each standby how far it has replayed; a standby that has replayed the position the
    primary had at time T holds every commit made before T, so it is at most now - T behind.
    Checks run at most every ``check_interval_s`` seconds per process, inside whichever request
    comes first (the others use the last result meanwhile)."""

    def __init__(self, primary: Database, urls: list[str], *, max_lag_s: float, check_interval_s: float,
                 pool_size: int = 10) -> None:
        if primary.sqlite:
            raise ValueError("HUB_DATABASE_READ_URL needs PostgreSQL (standbys of HUB_DATABASE_URL)")
        self.primary = primary
        self.standbys = [_Standby(u, pool_size) for u in urls]
        for s in self.standbys:
            if s.db.sqlite:
                raise ValueError("HUB_DATABASE_READ_URL: every standby is a postgresql:// URL")
        self.max_lag_s = max_lag_s
        self.check_interval_s = check_interval_s
        self._samples: deque[tuple[float, int]] = deque(maxlen=512)  # (monotonic time, primary position)
        self._checked = -math.inf
        self._lock = threading.Lock()
        self._turn = itertools.count()

    def check(self) -> None:
        """Note the primary's position, then each standby's state and lag."""
        try:
            with self.primary.engine.connect() as conn:
                position = _lsn(conn.exec_driver_sql("SELECT pg_current_wal_lsn()::text").scalar_one())
        except DBAPIError as exc:  # the primary is down: reads fail there too, nothing to compare with
            log.warning("primary position unknown", extra={"error": repr(exc)[:200]})
            return
        self._samples.append((time.monotonic(), position))
        for standby in self.standbys:
            try:
                with standby.db.engine.connect() as conn:
                    recovering, replayed = conn.exec_driver_sql(
                        "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text").one()
            except DBAPIError as exc:
                if standby.up:
                    log.warning("standby down, reading from the primary", extra={"error": repr(exc)[:200]})
                REPLICA_FAILURES.inc()
                standby.up, standby.lag_s = False, math.inf
                continue
            standby.up = bool(recovering) and replayed is not None  # a promoted standby is no standby
            standby.lag_s = self._lag(_lsn(replayed)) if standby.up else math.inf

    def _lag(self, replayed: int) -> float:
        now = time.monotonic()
        for at, position in reversed(self._samples):
            if position <= replayed:
                return now - at
        return math.inf  # behind every position noted so far

    def pick(self) -> Database | None:
        """A standby to read from (in turn), or None: read from the primary."""
        now = time.monotonic()
        if now - self._checked >= self.check_interval_s and self._lock.acquire(blocking=False):
            try:
                if now - self._checked >= self.check_interval_s:
                    self.check()
                    self._checked = time.monotonic()
            finally:
                self._lock.release()
        usable = [s for s in self.standbys if s.up and s.lag_s <= self.max_lag_s]
        return usable[next(self._turn) % len(usable)].db if usable else None

    def failed(self, db: Database, exc: BaseException) -> None:
        """A read on ``db`` failed: skip it until the next check finds it up again."""
        REPLICA_FAILURES.inc()
        log.warning("read on a standby failed, reading from the primary", extra={"error": repr(exc)[:200]})
        for standby in self.standbys:
            if standby.db is db:
                standby.up = False

    def status(self) -> list[dict[str, Any]]:
        """Each standby's state at the last check (for tests and operators)."""
        return [{"url": make_url(s.db.url).render_as_string(hide_password=True), "up": s.up,
                 "lag_s": None if math.isinf(s.lag_s) else round(s.lag_s, 3)} for s in self.standbys]

    def dispose(self) -> None:
        for standby in self.standbys:
            standby.db.dispose()
