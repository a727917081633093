"""A list of ids (or names) bound to a statement as one value.

An expanding `IN (:ids)` renders a statement's text anew for every length of the list, which
cost more than running the statement. Bound as one value (a JSON array read by `json_each` on
SQLite, an array on PostgreSQL), the text never changes and is compiled once."""
from __future__ import annotations

import json

from sqlalchemy import BigInteger, String, TypeDecorator, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType


class IdArray(TypeDecorator):
    """A list of ints bound as one value: JSON text on SQLite, an array on PostgreSQL."""

    impl = String
    cache_ok = True
    item = BigInteger

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(self.item))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value, dialect):
        return list(value) if dialect.name == "postgresql" else json.dumps(list(value))


class NameArray(IdArray):
    """A list of strings bound as one value."""

    cache_ok = True
    item = String


class in_ids(ColumnElement):
    """`column IN (the ids bound to :name)`; bind a list of ints (here, or when executing)."""

    type = NullType()  # as with `rare`: no "= 1" on SQLite
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("ids", InternalTraversal.dp_clauseelement)]
    array = IdArray

    def __init__(self, column, name: str = "ids", ids: list | None = None):
        self.column = column
        kind = self.array()
        self.ids = bindparam(name, type_=kind) if ids is None else bindparam(name, ids, type_=kind)


class in_names(in_ids):
    """`column IN (the names bound to :name)`; bind a list of strings."""

    inherit_cache = True
    array = NameArray


def in_ids_sql(column: str, ids: str, dialect: str) -> str:
    """The SQL of `column` IN the ids bound to the rendered parameter `ids`, as `dialect` writes it
    (for `in_ids`, and for textual statements: `in_ids_sql("rowid", ":ids", "sqlite")`)."""
    if dialect == "sqlite":
        return f"{column} IN (SELECT value FROM json_each({ids}))"
    return f"{column} = ANY({ids})"


@compiles(in_ids)
def _in_ids(element, compiler, **kw):
    return in_ids_sql(compiler.process(element.column, **kw), compiler.process(element.ids, **kw),
                      compiler.dialect.name)
