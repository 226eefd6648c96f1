"""Many rows in few statements: the road in's inserts and updates.

SQLAlchemy's executemany processes every row in Python and, on PostgreSQL, sends one
INSERT per row (psycopg pipeline mode). At a dozen rows per posting that dominated
the road in. Here:

- PostgreSQL gets plain inserts as ``COPY … FROM STDIN`` (psycopg writes the rows in C;
  the server parses each value once, with its column's own input function: about half the
  server's CPU of the alternative below, bench/RESULTS.md);
- PostgreSQL gets inserts with ``ON CONFLICT`` or ``RETURNING``, and updates, as one
  statement per chunk: the rows travel as one JSON array (orjson writes it in C,
  datetimes included) and ``json_to_recordset`` turns it back into typed rows;
- SQLite gets a plain DBAPI ``executemany`` with each column's own bind processor
  (the exact values SQLAlchemy would store), without the per-row statement machinery.

Rows are dicts keyed by column name; every row of one call has the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, LargeBinary, Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from app.writebehind import copy_later, execute_later

CHUNK = 2000


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *,
                conflict: Sequence[str] | None = None, update: Sequence[str] = (),
                returning: str | None = None) -> list[Any]:
    """INSERT ``rows``; with ``conflict`` (the unique columns) rows that clash are skipped, or
    with ``update`` those columns are overwritten. ``returning`` names one column to return
    for the rows really inserted or updated (PostgreSQL only)."""
    if not rows:
        return []
    cols = tuple(rows[0])
    dialect = session.get_bind().dialect
    tail = _conflict_sql(dialect, conflict, update)
    out: list[Any] = []
    if dialect.name == "sqlite":
        if returning:
            raise NotImplementedError("returning is for PostgreSQL")
        sql = _sqlite_insert(table, cols, dialect) + tail
        session.connection().exec_driver_sql(sql, _sqlite_params(table, cols, dialect, rows))
        return out
    if not conflict and not returning:
        copy_later(session, _copy_sql(table, cols, dialect), _copy_params(table, cols, rows))
        return out
    head, source = _pg_source(table, cols, dialect)
    sql = f"{head} SELECT {source}{tail}"
    for i in range(0, len(rows), CHUNK):
        payload = {"rows": _payload(table, cols, rows[i:i + CHUNK])}
        if returning:
            out.extend(session.execute(text(f"{sql} RETURNING {_q(dialect, returning)}"), payload).scalars())
        else:
            execute_later(session, sql, payload)  # app.writebehind: may run while Python goes on
    return out


def update_rows(session: Session, table: Table, key: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """UPDATE by ``key``: each row sets the columns it names. Rows of different shapes are
    grouped; callers lock the rows first (or own them), in key order."""
    by_shape: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for r in rows:
        by_shape.setdefault(tuple(r), []).append(r)
    dialect = session.get_bind().dialect
    for cols, group in by_shape.items():
        sets = [c for c in cols if c != key]
        if not sets:
            continue
        if dialect.name == "sqlite":
            order = (*sets, key)
            sql = (f"UPDATE {_q(dialect, table.name)} SET "
                   + ", ".join(f"{_q(dialect, c)} = ?" for c in sets) + f" WHERE {_q(dialect, key)} = ?")
            session.connection().exec_driver_sql(sql, _sqlite_params(table, order, dialect, group))
            continue
        defs = _pg_defs(table, cols, dialect)
        sql = (f"UPDATE {_q(dialect, table.name)} AS t SET "
               + ", ".join(f"{_q(dialect, c)} = {_pg_expr(table, c, dialect)}" for c in sets)
               + f" FROM json_to_recordset(CAST(:rows AS json)) AS r({defs})"
               + f" WHERE t.{_q(dialect, key)} = r.{_q(dialect, key)}")
        for i in range(0, len(group), CHUNK):
            execute_later(session, sql, {"rows": _payload(table, cols, group[i:i + CHUNK])})


def _q(dialect: Dialect, name: str) -> str:
    return dialect.identifier_preparer.quote(name)


def _conflict_sql(dialect: Dialect, conflict: Sequence[str] | None, update: Sequence[str]) -> str:
    if not conflict:
        return ""
    target = ", ".join(_q(dialect, c) for c in conflict)
    if not update:
        return f" ON CONFLICT ({target}) DO NOTHING"
    sets = ", ".join(f"{_q(dialect, c)} = excluded.{_q(dialect, c)}" for c in update)
    return f" ON CONFLICT ({target}) DO UPDATE SET {sets}"


@lru_cache(maxsize=256)
def _sqlite_insert(table: Table, cols: tuple[str, ...], dialect: Dialect) -> str:
    names = ", ".join(_q(dialect, c) for c in cols)
    return f"INSERT INTO {_q(dialect, table.name)} ({names}) VALUES ({', '.join('?' * len(cols))})"


@lru_cache(maxsize=256)
def _processors(table: Table, cols: tuple[str, ...], dialect: Dialect) -> tuple[Any, ...]:
    return tuple(table.c[c].type._cached_bind_processor(dialect) for c in cols)


def _sqlite_params(table: Table, cols: tuple[str, ...], dialect: Dialect,
                   rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Each row as a tuple in ``cols`` order, values through their column's bind processor
    (datetimes are memoised: a batch stamps most rows with the same few instants)."""
    return _tuples(cols, rows, [(i, _memoising(p)) for i, p in enumerate(_processors(table, cols, dialect))
                                if p is not None])


def _memoising(process: Any) -> Any:
    memo: dict[datetime, Any] = {}

    def run(value: Any) -> Any:
        if isinstance(value, datetime):
            if value not in memo:
                memo[value] = process(value)
            return memo[value]
        return process(value)

    return run


@lru_cache(maxsize=256)
def _copy_sql(table: Table, cols: tuple[str, ...], dialect: Dialect) -> str:
    return f"COPY {_q(dialect, table.name)} ({', '.join(_q(dialect, c) for c in cols)}) FROM STDIN"


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()  # None: SQL NULL, as json_to_recordset


def _copy_params(table: Table, cols: tuple[str, ...], rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Each row as a tuple in ``cols`` order for psycopg's COPY: JSON columns as JSON text (psycopg
    would write a list as an array and has no dumper for a dict); the rest as they are."""
    return _tuples(cols, rows, [(i, _json_text) for i, c in enumerate(cols) if isinstance(table.c[c].type, JSON)])


def _tuples(cols: tuple[str, ...], rows: Iterable[Mapping[str, Any]],
            convert: list[tuple[int, Any]]) -> list[tuple[Any, ...]]:
    """Each row as a tuple in ``cols`` order, the value at each index of ``convert`` through its function."""
    if len(cols) == 1:
        fn = convert[0][1] if convert else None
        return [(fn(r[cols[0]]) if fn else r[cols[0]],) for r in rows]
    getter = itemgetter(*cols)
    if not convert:
        return [getter(r) for r in rows]
    out = []
    for r in rows:
        values = list(getter(r))
        for i, fn in convert:
            values[i] = fn(values[i])
        out.append(tuple(values))
    return out


def _binary(table: Table, col: str) -> bool:
    return isinstance(table.c[col].type, LargeBinary)


def _pg_expr(table: Table, col: str, dialect: Dialect) -> str:
    ref = f"r.{_q(dialect, col)}"
    return f"convert_to({ref}, 'UTF8')" if _binary(table, col) else ref


@lru_cache(maxsize=256)
def _pg_defs(table: Table, cols: tuple[str, ...], dialect: Dialect) -> str:
    return ", ".join(
        f"{_q(dialect, c)} {'TEXT' if _binary(table, c) else table.c[c].type.compile(dialect=dialect)}"
        for c in cols)


@lru_cache(maxsize=256)
def _pg_source(table: Table, cols: tuple[str, ...], dialect: Dialect) -> tuple[str, str]:
    head = f"INSERT INTO {_q(dialect, table.name)} ({', '.join(_q(dialect, c) for c in cols)})"
    source = (", ".join(_pg_expr(table, c, dialect) for c in cols)
              + f" FROM json_to_recordset(CAST(:rows AS json)) AS r({_pg_defs(table, cols, dialect)})")
    return head, source


def _payload(table: Table, cols: tuple[str, ...], rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as one JSON text (binary columns hold UTF-8 text, sent as text)."""
    binary = [c for c in cols if _binary(table, c)]
    if binary:
        rows = [{**r, **{c: r[c].decode() if r[c] is not None else None for c in binary}} for r in rows]
    return orjson.dumps(rows).decode()
