"""The busiest prebuilt statements, run on the DBAPI cursor.

SQLAlchemy's execution layer (execution context, parameter and result processing) cost
three times the query on an agreement's detail, and about 70 µs per statement on a page
of articles. These statements are still built with SQLAlchemy Core;
each is compiled once per dialect, its parameters put through their types' bind
processors, and its rows returned as tuples. Only statements whose columns need no
conversion are run this way; others, and any statement run while someone traces
statements (the EXPLAIN and statement-count tests), go through SQLAlchemy, with the same
SQL. Database errors are raised as SQLAlchemy's, as `Connection.execute` would, so an
outage is still a 503.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

from api.db import get_engine


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: list[str] | None  # the parameters' order; None when the driver takes them by name
    defaults: dict  # values bound in the statement itself
    processors: dict[str, Callable]
    plain: bool  # every column comes back from the driver as the API uses it

    def values(self, params: dict):
        values = {**self.defaults, **params}
        for name, process in self.processors.items():
            values[name] = process(values[name])
        return values if self.names is None else [values[name] for name in self.names]


@functools.lru_cache(maxsize=64)  # a few statements, one dialect per engine
def _compiled(statement: Executable, dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    processors = {}
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
    plain = all(column.type.dialect_impl(dialect).result_processor(dialect, None) is None
                for column in statement.selected_columns)
    return _Compiled(str(compiled), list(compiled.positiontup) if compiled.positional else None,
                     compiled.params, processors, plain)


def _traced(engine) -> bool:
    return bool(engine.dispatch.before_cursor_execute)


def _run(engine, connection, statement: _Compiled, params: dict, fetch: Callable):
    """`fetch(cursor)` after executing `statement` on the pooled DBAPI `connection`."""
    dbapi_error = engine.dialect.loaded_dbapi.Error
    cursor, values = None, params
    try:
        values = statement.values(params)
        cursor = connection.cursor()
        cursor.execute(statement.sql, values)
        rows = fetch(cursor)
        cursor.close()
        return rows
    except dbapi_error as error:
        invalidated = engine.dialect.is_disconnect(error, connection.dbapi_connection, cursor)
        if invalidated:
            connection.invalidate(error)
        raise DBAPIError.instance(statement.sql, values, error, dbapi_error, connection_invalidated=invalidated,
                                  dialect=engine.dialect) from error


def read_value(statement: Executable, params: dict):
    """The first column of `statement`'s first row (None when there is none), on a pooled
    connection of its own: a single read needs no ORM session."""
    engine = get_engine()
    if _traced(engine):
        with engine.connect() as connection:
            return connection.execute(statement, params).scalar()
    try:
        pooled = engine.raw_connection()  # first, so the dialect knows its server before compiling
    except engine.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(None, params, error, engine.dialect.loaded_dbapi.Error,
                                  dialect=engine.dialect) from error
    row = None
    try:
        compiled = _compiled(statement, engine.dialect)
        if compiled.plain:
            row = _run(engine, pooled, compiled, params, lambda cursor: cursor.fetchone())
    finally:
        pooled.close()
    if not compiled.plain:
        with engine.connect() as connection:
            return connection.execute(statement, params).scalar()
    return None if row is None else row[0]


def fetch_all(connection: Connection, statement: Executable, params: dict) -> list[tuple]:
    """Every row of `statement` on `connection` (the request's, in its transaction), as tuples."""
    engine = connection.engine
    compiled = _compiled(statement, engine.dialect)
    if not compiled.plain or _traced(engine):
        return [tuple(row) for row in connection.execute(statement, params)]
    return _run(engine, connection.connection, compiled, params, lambda cursor: cursor.fetchall())
