"""Bulk inserts on SQLite: index maintenance deferred to the end of the insert.

Migration 0002 keeps each FTS5 external-content table (`search_articles`, ...) in step
with its base table by triggers, which index one row per INSERT: most of the time of a
large import. And every secondary index of a table grows one key at a time in random
order, where building it once from sorted keys is cheaper. So, around a large insert and
inside the import's transaction:

- the insert triggers that index the new row in an FTS5 table are dropped, the new rows
  are indexed with one INSERT ... SELECT after the insert, and the triggers are created
  again;
- when the table gains at least as many rows as it holds, its plain (non-unique) indexes
  are dropped and created again after the insert;
- that one INSERT ... SELECT runs with a larger FTS5 buffer for new terms (`hashsize`):
  FTS5 writes a segment each time the buffer fills, and merges segments as they pile up,
  so with 16 MB instead of the default 1 MB it writes fewer, larger ones. Indexing
  600,000 articles took 25 s instead of 36 s; the buffer is set back afterwards.

Everything is created again from the very SQL the database holds (sqlite_master), so
whatever the migrations defined comes back unchanged. DDL is transactional in SQLite: a
failed import rolls all of it back, and concurrent readers never see anything missing.
Unique indexes stay, so constraint errors are what they always were. Any insert trigger
this module does not recognise (or a database that is not SQLite) leaves the insert on
the row-by-row path, which is always correct.
"""
from __future__ import annotations

import contextlib
import re

from sqlalchemy import Connection, Table, insert as sql_insert

# Fewer new rows than this are inserted with every index and trigger in place: the DDL is not worth it.
BULK = 1_000
# FTS5's buffer of new terms while a bulk insert indexes its rows, and its default.
BULK_HASHSIZE = 16 * 1024 * 1024
DEFAULT_HASHSIZE = 1024 * 1024

_FTS5 = re.compile(r"^\s*CREATE\s+VIRTUAL\s+TABLE\s+\S+\s+USING\s+fts5\s*\(", re.I)
_OPTION = r"\b{}\s*=\s*'([^']*)'"
_TRIGGER = re.compile(r"^(.*?)\bBEGIN\b(.*)\bEND\s*;?\s*$", re.I | re.S)
_INDEXING_HEADER = re.compile(r"\s*CREATE\s+TRIGGER\s+\S+\s+AFTER\s+INSERT\s+ON\s+\S+\s*", re.I)
_PLAIN_INDEX = re.compile(r"^\s*CREATE\s+INDEX\b", re.I)


def insert(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT `rows` (tuples in the order of `columns`) into `table`, in one executemany.

    On SQLite, when no column converts its values (no enum, no date), the tuples go to the
    driver as they are: SQLAlchemy would only turn each into a dict and back, which is most
    of the Python time of a bulk insert. Anywhere else, Core's insert (on PostgreSQL its
    batched multi-row VALUES)."""
    if conn.dialect.name == "sqlite" and all(
        table.c[c].type._cached_bind_processor(conn.dialect) is None for c in columns
    ):
        quote = conn.dialect.identifier_preparer.quote
        conn.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            rows,
        )
    else:
        conn.execute(sql_insert(table), [dict(zip(columns, row)) for row in rows])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*([(),;])\s*", r"\1", sql)).strip().rstrip(";").lower()


def search_indexes(conn: Connection, table: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """The FTS5 tables whose external content is `table`: (name, content rowid column, columns)."""
    found = []
    for name, sql in conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).all():
        content = re.search(_OPTION.format("content"), sql or "", re.I)
        if not _FTS5.match(sql or "") or not content or content.group(1) != table:
            continue
        rowid = re.search(_OPTION.format("content_rowid"), sql, re.I)
        columns = tuple(row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({_quote(name)})"))
        found.append((name, rowid.group(1) if rowid else "rowid", columns))
    return found


def _indexing_body(fts: str, rowid: str, columns: tuple[str, ...]) -> str:
    """The body of a trigger that indexes the inserted row, as migration 0002 writes it."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    return _normal(f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.{rowid}, {new});")


def _indexing_triggers(conn: Connection, table: str):
    """The insert triggers of `table` with the search index each one feeds; None when some
    insert trigger does anything else."""
    indexes = {_indexing_body(*index): index for index in search_indexes(conn, table)}
    found = []
    for name, sql in conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).all():
        parts = _TRIGGER.match(sql or "")
        if parts is None:
            return None
        header, body = parts.groups()
        if not re.search(r"\bINSERT\s+ON\b", header, re.I):
            continue  # an update or delete trigger: an insert does not fire it
        index = indexes.get(_normal(body)) if _INDEXING_HEADER.fullmatch(header) else None
        if index is None:
            return None
        found.append((name, sql, index))
    return found


@contextlib.contextmanager
def deferred(conn: Connection, table: str, rows: int, held: int):
    """Around the insert of `rows` new rows into `table`, which holds `held` rows."""
    if conn.dialect.name != "sqlite" or rows < BULK:
        yield
        return
    triggers = _indexing_triggers(conn, table)
    if triggers is None:
        triggers = []  # unknown insert triggers: they all stay, and so do the search indexes they feed
    indexes = []
    if rows >= held:
        indexes = [
            (name, sql) for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
            ).all() if _PLAIN_INDEX.match(sql)
        ]  # fmt: skip
    if not triggers and not indexes:
        yield
        return
    if not conn.connection.driver_connection.in_transaction:
        # The driver begins a transaction only before DML; DDL outside one would be committed at once.
        conn.exec_driver_sql("BEGIN")
    last = None
    if triggers:
        rowid = triggers[0][2][1]
        (last,) = conn.exec_driver_sql(f"SELECT max({_quote(rowid)}) FROM {_quote(table)}").one()
    for name, _sql, _index in triggers:
        conn.exec_driver_sql(f"DROP TRIGGER {_quote(name)}")
    for name, _sql in indexes:
        conn.exec_driver_sql(f"DROP INDEX {_quote(name)}")
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
    for _name, sql, (fts, rowid, columns) in triggers:
        # What the trigger would have done row by row: the new rows are those past the last rowid.
        cols = ", ".join(map(_quote, columns))
        new_rows = "" if last is None else f"WHERE {_quote(rowid)} > {int(last)} "  # ids grow from the last
        with _term_buffer(conn, fts, BULK_HASHSIZE):
            conn.exec_driver_sql(
                f"INSERT INTO {_quote(fts)}(rowid, {cols}) "
                f"SELECT {_quote(rowid)}, {cols} FROM {_quote(table)} {new_rows}ORDER BY {_quote(rowid)}"
            )
        conn.exec_driver_sql(sql)


@contextlib.contextmanager
def _term_buffer(conn: Connection, fts: str, size: int):
    """FTS5 table `fts` with a buffer of `size` bytes for new terms, then as it was. The setting
    is a row of the table's config (a write in the import's transaction, like the rest)."""
    (previous,) = conn.exec_driver_sql(
        f"SELECT coalesce(max(v), {DEFAULT_HASHSIZE}) FROM {_quote(fts + '_config')} WHERE k = 'hashsize'"
    ).one()
    configure = f"INSERT INTO {_quote(fts)}({_quote(fts)}, rank) VALUES ('hashsize', ?)"
    conn.exec_driver_sql(configure, (size,))
    yield
    conn.exec_driver_sql(configure, (int(previous),))
