"""Full-text search behind one interface: SQLite FTS5 or PostgreSQL tsvector.

Migration 0002 creates the indexes (`search_agreements` / `search_articles` FTS5
tables on SQLite; the `search_vector` column with a GIN index on PostgreSQL).

The user's words never reach a query language unquoted: on SQLite every word
and "quoted phrase" becomes an FTS5 string, joined by AND (or OR where the user
wrote OR); on PostgreSQL `websearch_to_tsquery` reads the same syntax and never
fails. A query with no word in it is a 400.

Ranking every match of a common word is what makes search slow on a large
corpus (bm25 over hundreds of thousands of rows), so relevance is computed over
a window: the first `window` matches in id order (after the filters) are ranked
best first, and any further matches follow them in id order. A query specific
enough to match fewer rows than the window is ranked in full.
"""
from __future__ import annotations

import functools
import re

from flask import current_app
from sqlalchemy import Integer, String, bindparam, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from api.driver import fetch_all
from api.errors import invalid_params
from api.sqlids import IdArray, in_ids_sql

RANK_WINDOW = 500
MARK_START, MARK_END, ELLIPSIS = "<mark>", "</mark>", "…"
_HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=10, MaxFragments=2, "
                     f"FragmentDelimiter=\" {ELLIPSIS} \"")
_WORD = re.compile(r"\w+", re.UNICODE)
_TERM = re.compile(r'"([^"]*)"|(\S+)')

# table -> (searched columns, their weights in ranking: most important first)
SEARCHED = {
    "agreements": ("title", "short_title", "summary"),
    "articles": ("heading", "summary", "text"),
}
_BM25_WEIGHTS = (10.0, 4.0, 1.0)


def words(q: str) -> list[str]:
    return _WORD.findall(q)


def validate(q: str, param: str = "q") -> str:
    if not fts5_query(q):
        raise invalid_params([{"name": param, "value": q, "reason": "The query has no word to search for."}])
    return q


def fts5_query(q: str) -> str:
    """The user's query as a safe FTS5 expression: quoted words and phrases, AND by default, OR kept."""
    parts: list[str] = []
    for match in _TERM.finditer(q):
        phrase, token = match.groups()
        if token == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        found = words(phrase if phrase is not None else token)
        if found:
            parts.append('"' + " ".join(found) + '"')
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _fts(name: str):
    return table(f"search_{name}", column("rowid", Integer))


def _tsquery(q: str | None = None):
    """The query as a tsquery; without `q`, :search_q is bound when the statement runs."""
    value = bindparam("search_q") if q is None else bindparam("search_q", q)
    return func.websearch_to_tsquery(literal_column("'english'::regconfig"), value)


def matches(session: Session, name: str, id_column: ColumnElement, q: str) -> ColumnElement:
    """A condition on `id_column` (agreements.id / articles.id): the row matches `q`."""
    if _dialect(session) == "postgresql":
        return literal_column(f"{name}.search_vector").op("@@")(_tsquery(q))
    fts = _fts(name)
    return id_column.in_(
        select(fts.c.rowid).where(literal_column(f"search_{name}").op("MATCH")(bindparam("search_q", fts5_query(q))))
    )


def ranked_window(session: Session, name: str, id_column: ColumnElement, conditions: list, q: str,
                  window: int | None = None) -> tuple[list[tuple[int, float]], bool]:
    """The first `window` matching ids (by id, after `conditions`) with their scores, higher better;
    and whether more matches follow. The window is the app's SEARCH_RANK_WINDOW, or RANK_WINDOW."""
    window = window or current_app.config.get("SEARCH_RANK_WINDOW") or RANK_WINDOW
    dialect = _dialect(session)
    params = {"search_q": q if dialect == "postgresql" else fts5_query(q)}
    if conditions:
        statement = _ranked_statement(dialect, name, id_column, window, tuple(conditions))
        found = session.connection().execute(statement, params).all()
    else:  # the common case, a search alone: its statement is built once and run on the driver
        found = fetch_all(session.connection(), _unfiltered_ranked_statement(dialect, name, id_column, window), params)
    rows = [(row[0], float(row[1] or 0.0)) for row in found]
    return rows[:window], len(rows) > window


def _ranked_statement(dialect: str, name: str, id_column: ColumnElement, window: int, conditions: tuple):
    """The first `window` + 1 matches of :search_q under `conditions`, in id order, with their scores."""
    if dialect == "postgresql":
        vector = literal_column(f"{name}.search_vector")
        query = _tsquery()
        score = func.ts_rank_cd(vector, query)
        return (
            select(id_column, score).where(vector.op("@@")(query), *conditions)
            .order_by(id_column).limit(window + 1)
        )
    fts = _fts(name)
    weights = ", ".join(str(w) for w in _BM25_WEIGHTS)
    score = -literal_column(f"bm25(search_{name}, {weights})")
    # Without filters the base table is not read at all: the index alone answers.
    source = fts.join(id_column.table, id_column == fts.c.rowid) if conditions else fts
    return (
        select(fts.c.rowid, score)
        .select_from(source)
        .where(literal_column(f"search_{name}").op("MATCH")(bindparam("search_q")), *conditions)
        .order_by(fts.c.rowid).limit(window + 1)
    )


@functools.cache
def _unfiltered_ranked_statement(dialect: str, name: str, id_column: ColumnElement, window: int):
    return _ranked_statement(dialect, name, id_column, window, ())


@functools.cache
def _snippet_statement(dialect: str, name: str):
    """The snippet query of `name` on `dialect`, parsed once; requests bind the query and the ids."""
    if dialect == "postgresql":
        columns = " || ' ' || ".join(f"coalesce({c}, '')" for c in SEARCHED[name])
        sql = (f"SELECT id, ts_headline('english'::regconfig, {columns}, websearch_to_tsquery('english'::regconfig, :q), "
               f":options) FROM {name} WHERE {in_ids_sql('id', ':ids', dialect)}")
    else:
        sql = (f"SELECT rowid, snippet(search_{name}, -1, :start, :end, :ellipsis, 24) FROM search_{name} "
               f"WHERE search_{name} MATCH :q AND {in_ids_sql('rowid', ':ids', dialect)}")
    return text(sql).bindparams(bindparam("ids", type_=IdArray())).columns(column("id", Integer),
                                                                           column("snippet", String))


def snippets(session: Session, name: str, ids: list[int], q: str) -> dict[int, str]:
    """A short extract of each row with the matched words in <mark>...</mark>."""
    if not ids:
        return {}
    dialect = _dialect(session)
    if dialect == "postgresql":
        params = {"q": q, "options": _HEADLINE_OPTIONS, "ids": ids}
    else:
        params = {"start": MARK_START, "end": MARK_END, "ellipsis": ELLIPSIS, "q": fts5_query(q), "ids": ids}
    return dict(fetch_all(session.connection(), _snippet_statement(dialect, name), params))
