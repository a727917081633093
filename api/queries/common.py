"""What every listing shares: naming lookups, sources, disputes, and the page runner."""
from __future__ import annotations

import functools
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Callable, Protocol

from sqlalchemy import Connection, Integer, bindparam, func, literal, select, union_all
from sqlalchemy.types import NullType
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from api import search
from api.driver import fetch_all
from api.errors import invalid_params
from api.models import Agreement, Citation, ClauseType, Party, Sector, Source
from api.queries.paging import SortKey, after, after_bound, bad_cursor, decode_cursor, encode_cursor, row_value_order
from api.sqlids import in_ids, in_names

class rare(ColumnElement):
    """A condition few rows meet, whatever the planner's statistics say.

    SQLite's ANALYZE records a mostly-NULL column (citations.event_id, .alternative_id,
    agreements.supersedes_id) as matching every row per value, and the planner then
    prefers a full scan to the index; `likelihood()` restores the index. Other
    databases keep per-column NULL fractions and need no hint."""

    type = NullType()  # not Boolean: SQLite would compare it "= 1" and lose the index
    inherit_cache = True
    _traverse_internals = [("clause", InternalTraversal.dp_clauseelement)]

    def __init__(self, clause):
        self.clause = clause


@compiles(rare)
def _rare(element, compiler, **kw):
    return compiler.process(element.clause, **kw)


@compiles(rare, "sqlite")
def _rare_sqlite(element, compiler, **kw):
    return f"likelihood({compiler.process(element.clause, **kw)}, 0.000001)"


# param kind -> (model, natural key column, the noun used in messages)
NAMED = {
    "party": (Party, Party.code, "party", "code"),
    "sector": (Sector, Sector.slug, "sector", "slug"),
    "clause_type": (ClauseType, ClauseType.slug, "clause type", "slug"),
    "agreement": (Agreement, Agreement.slug, "agreement", "id"),
}


@functools.cache
def _resolve_statement(kinds: tuple[str, ...]):
    """The lookup of names of these kinds, built once per combination; requests bind the names."""
    statements = [
        select(literal(kind).label("kind"), NAMED[kind][1].label("key"), NAMED[kind][0].id)
        .where(in_names(NAMED[kind][1], f"names_{kind}"))
        for kind in kinds
    ]
    return union_all(*statements) if len(statements) > 1 else statements[0]


def resolve(session: Session, requested: dict[str, tuple[str, list[str]]]) -> dict[str, list[int]]:
    """Internal ids for the names in the request, in one statement.

    `requested` maps a parameter to (kind, values); a value that names nothing is a 400
    naming the parameter and the value."""
    requested = {param: (kind, values) for param, (kind, values) in requested.items() if values}
    if not requested:
        return {}
    names: dict[str, set[str]] = {}
    for kind, values in requested.values():
        names.setdefault(kind, set()).update(values)
    kinds = tuple(sorted(names))
    params = {f"names_{kind}": sorted(names[kind]) for kind in kinds}
    found: dict[tuple[str, str], int] = {}
    for kind, key, id_ in fetch_all(session.connection(), _resolve_statement(kinds), params):
        found[(kind, key)] = id_
    problems, result = [], {}
    for param, (kind, values) in requested.items():
        _, _, noun, key_name = NAMED[kind]
        ids = []
        for value in values:
            if (kind, value) not in found:
                problems.append({"name": param, "value": value, "reason": f"No {noun} has this {key_name}."})
            else:
                ids.append(found[(kind, value)])
        result[param] = ids
    if problems:
        raise invalid_params(problems)
    return result


def cited_source(slug, title, url, publisher, locator) -> dict:
    """A source as cited: the source and the place in it (a citation row's last five columns)."""
    return {"id": slug, "title": title, "url": url, "publisher": publisher, "locator": locator}


def source_item(row, locator=True) -> dict:
    if locator:
        return cited_source(row.source_slug, row.source_title, row.source_url, row.source_publisher, row.locator)
    return {"id": row.source_slug, "title": row.source_title, "url": row.source_url,
            "publisher": row.source_publisher}


def citation_select(*subjects, ordered: bool = True):
    """Citations (with their source) matching any of `subjects`, in the order they were recorded
    (unless not `ordered`: then sort the rows, which start with the citation id).

    One SELECT per subject joined by UNION ALL, so each uses its own index (an OR
    of them would read the whole table in id order). The busiest readers unpack the rows
    by position, so the column order is part of the contract: citation_id, agreement_id,
    event_id, article_id, alternative_id, field, sector_id, clause_type_id, locator,
    source_slug, source_title, source_url, source_publisher."""
    parts = [
        select(
            Citation.id.label("citation_id"), Citation.agreement_id, Citation.event_id, Citation.article_id,
            Citation.alternative_id, Citation.field, Citation.sector_id, Citation.clause_type_id, Citation.locator,
            Source.slug.label("source_slug"), Source.title.label("source_title"),
            Source.url.label("source_url"), Source.publisher.label("source_publisher"),
        ).join(Source, Source.id == Citation.source_id).where(rare(subject))
        for subject in subjects
    ]
    if not ordered:
        return union_all(*parts) if len(parts) > 1 else parts[0]
    return union_all(*parts).order_by("citation_id") if len(parts) > 1 else parts[0].order_by(Citation.id)


@dataclass(eq=False)  # each is a module constant, compared and hashed by identity
class Listing:
    """A list resource: its filtered query, orders, children loader, facets and CSV columns."""

    name: str
    search_name: str | None
    id_column: ColumnElement
    select_from: Callable[[], object]
    columns: Callable[[], list]
    sorts: dict[str, Callable[[], list[SortKey]]]
    default_sort: str
    load: Callable[[Session, list], list[dict]]
    facets: dict[str, Callable[[Select], Select]] = field(default_factory=dict)
    # Bind values that narrow subqueries to the part of the order after a cursor.
    keyset_params: Callable[[str, list], dict] | None = None
    # For a prepared filter's shape, an order and whether the page selects only ids: (from, id
    # column, terms, sort keys) of a page statement that walks a better index than `select_from`
    # in that order, or None.
    keyed_plan: Callable[[tuple, str, bool], tuple | None] | None = None

    def sort_keys(self, sort: str) -> list[SortKey]:
        return self.sorts[sort]()


@dataclass(frozen=True)
class Prepared:
    """A filter as its shape (which filters, how many values of each), this request's values, and
    the function that builds its terms. A page in an order that resumes with one row-value
    comparison runs a statement built and compiled once per shape and order, its parameters
    named; anything else (counts, facets, search) builds the terms with the values bound
    (`bound`). Building the terms and the statement, and SQLAlchemy's execution of it, had cost
    about a fifth of a page of articles."""

    shape: tuple
    params: dict
    build: Callable[[tuple, dict], tuple]  # the terms of a shape, bound to the params given

    def bound(self) -> list:
        return list(self.build(self.shape, self.params))


class Stored(Protocol):
    """The stored renderings of the items with these ids, in that order, or None unless all are
    current; `extra`, a dict per item, gives members to append to each (renderings.article_items)."""

    def __call__(self, connection: Connection, ids: list[int], extra: list[dict] | None = None) -> list | None: ...


@dataclass
class Page:
    items: list[dict]
    next_cursor: str | None
    total: int | None = None
    facets: dict | None = None


def run_page(session: Session, listing: Listing, conditions: list | Prepared, *, sort: str | None, limit: int,
             cursor: str | None, q: str | None = None, count: bool = False,
             facets: list[str] | None = None, stored: Stored | None = None) -> Page:
    """One page of `listing` under `conditions`, in the order `sort`, after `cursor`.

    `stored` gives the page's items as stored renderings when all are current (see
    `Stored`); search hits read them too, each with its snippet (and score) appended."""
    if isinstance(conditions, Prepared) and (q or count or facets):
        conditions = conditions.bound()
    sort = sort or ("relevance" if q else listing.default_sort)
    if sort == "relevance":
        if not q:
            raise invalid_params([{"name": "sort", "value": sort, "reason": "relevance needs a search query q."}])
        items, next_cursor = _relevance_page(session, listing, conditions, q, limit, cursor, stored)
    else:
        if q:
            conditions = [*conditions, search.matches(session, listing.search_name, listing.id_column, q)]
        items, next_cursor = _keyset_page(session, listing, conditions, sort, limit, cursor, stored, q)
    if q and sort == "relevance" and (count or facets):
        conditions = [*conditions, search.matches(session, listing.search_name, listing.id_column, q)]
    page = Page([item for _, item in items], next_cursor)
    if count:
        page.total = session.connection().execute(
            select(func.count()).select_from(select(listing.id_column).select_from(listing.select_from()).where(*conditions).subquery())
        ).scalar_one()
    if facets:
        ids = select(listing.id_column).select_from(listing.select_from()).where(*conditions)
        page.facets = {}
        for name in facets:
            rows = session.connection().execute(listing.facets[name](ids)).all()
            page.facets[name] = [{"value": getattr(value, "value", value), "count": n} for value, n in rows]
    return page


def iterate_all(session: Session, listing: Listing, conditions: list, *, sort: str | None, q: str | None,
                batch: int = 500):
    """Every item of the filter, a batch at a time (for CSV export)."""
    cursor = None
    while True:
        page = run_page(session, listing, conditions, sort=sort, limit=batch, cursor=cursor, q=q)
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def _keyset_page(session, listing: Listing, conditions, sort, limit, cursor, stored: Stored | None = None,
                 q: str | None = None):
    keys = listing.sort_keys(sort)
    values = decode_cursor(cursor, sort, keys) if cursor else None
    params = listing.keyset_params(sort, values) if cursor and listing.keyset_params else {}
    slim = False  # whether the rows hold only the id and the sort values
    if isinstance(conditions, Prepared) and row_value_order(keys):
        # With stored items at hand, the page reads only its ids: the items' own columns are a
        # row lookup each in the largest table, most of the cost of the page statement.
        slim = stored is not None
        statement, row = _prepared_keyset(listing, conditions.build, conditions.shape, sort, bool(cursor), slim)
        params.update(conditions.params, page_limit=limit + 1)
        if cursor:
            params.update({f"after_{n}": value for n, value in enumerate(values)})
        rows = [row._make(found) for found in fetch_all(session.connection(), statement, params)]
    else:
        if isinstance(conditions, Prepared):
            conditions = conditions.bound()
        statement = _keyset_statement(listing, listing.columns(), conditions, keys, limit + 1)
        if cursor:
            statement = statement.where(after(keys, values))
        # Through the connection: the ORM session's execute adds a quarter of a millisecond for Core rows.
        rows = session.connection().execute(statement, params).all()
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r[0] for r in rows]
    members = None
    if q:
        snippets = search.snippets(session, listing.search_name, ids, q)
        members = [{"snippet": snippets.get(i)} for i in ids]
    items = _page_items(session, listing, ids, stored, members, None if slim else {r[0]: r for r in rows})
    next_cursor = encode_cursor(sort, list(rows[-1][-len(keys):])) if more and rows else None
    return items, next_cursor


def _page_items(session, listing: Listing, ids: list, stored: Stored | None, members: list[dict] | None = None,
                rows: dict | None = None) -> list[tuple]:
    """(id, item) of a page's `ids`, in order: their stored renderings when all are current, else
    assembled live from `rows` (by id; read here when None), leaving out a row that an import
    removed since the page's statement. `members` (a search hit's snippet and score, one dict
    per id) are appended to each item either way."""
    items = stored(session.connection(), ids, members) if stored else None
    if items is not None:
        return list(zip(ids, items))
    if rows is None:
        rows = _rows_by_id(session, listing, ids)
    kept = [i for i in ids if i in rows]
    items = listing.load(session, [rows[i] for i in kept])
    if members is not None:
        by_id = dict(zip(ids, members))
        for i, item in zip(kept, items):
            item.update(by_id[i])
    return list(zip(kept, items))


def _keyset_statement(listing: Listing, columns: list, conditions, keys: list[SortKey], limit, select_from=None):
    return (
        select(*columns, *[k.column.label(f"sort_{n}") for n, k in enumerate(keys)])
        .select_from(listing.select_from() if select_from is None else select_from)
        .where(*conditions)
        .order_by(*[k.ordering() for k in keys])
        .limit(limit)
    )


@functools.lru_cache(maxsize=256)  # shapes times orders: a client could invent many
def _prepared_keyset(listing: Listing, build, shape: tuple, sort: str, resumed: bool, slim: bool):
    """The page statement for a shape of `build`'s terms in the order `sort`, with its parameters
    named, and a row type naming its columns; `slim` selects only the id and the sort values."""
    plan = listing.keyed_plan(shape, sort, slim) if listing.keyed_plan else None
    if plan is None:
        plan = listing.select_from(), listing.id_column, build(shape, {}), listing.sort_keys(sort)
    select_from, id_column, terms, keys = plan
    columns = [id_column] if slim else listing.columns()
    statement = _keyset_statement(listing, columns, terms, keys, bindparam("page_limit", type_=Integer), select_from)
    if resumed:
        statement = statement.where(after_bound(keys))
    return statement, namedtuple("Row", [column.key for column in statement.selected_columns])


_RANK_KEYS = [SortKey(None, kind="int"), SortKey(None, kind="float"), SortKey(None, kind="int")]  # tier, score, id


def _relevance_page(session, listing: Listing, conditions, q, limit, cursor, stored: Stored | None = None):
    """Ranked hits: the window of the first matches, best first, then the rest by id."""
    window, more_beyond = search.ranked_window(session, listing.search_name, listing.id_column, conditions, q)
    position = (0, None, None)
    if cursor:
        tier, score, last_id = decode_cursor(cursor, "relevance", _RANK_KEYS)
        if tier not in (0, 1):
            raise bad_cursor(cursor)
        position = (tier, score, last_id)
    ranked = sorted(window, key=lambda hit: (-hit[1], hit[0]))
    picked: list[tuple[int, float, int]] = []  # (tier, score, id)
    tier, score, last_id = position
    if tier == 0:
        start = 0
        if last_id is not None:
            start = next((i for i, hit in enumerate(ranked) if (-hit[1], hit[0]) > (-score, last_id)), len(ranked))
        picked = [(0, s, i) for i, s in ranked[start:start + limit + 1]]
    if len(picked) <= limit and more_beyond:
        # The window is used up: continue with the remaining matches in id order.
        beyond = window[-1][0] if window else 0
        if tier == 1:
            beyond = max(beyond, last_id)
        rows = session.connection().execute(
            select(listing.id_column).select_from(listing.select_from())
            .where(*conditions, search.matches(session, listing.search_name, listing.id_column, q),
                   listing.id_column > beyond)
            .order_by(listing.id_column).limit(limit + 1 - len(picked))
        ).scalars().all()
        picked += [(1, 0.0, i) for i in rows]
    more = len(picked) > limit
    picked = picked[:limit]
    ids = [i for _, _, i in picked]
    snippets = search.snippets(session, listing.search_name, ids, q)
    # A hit's own members, in the order ArticleHitSchema lists them (see renderings.article_items).
    members = [{"snippet": snippets.get(i), "score": round(s, 6)} for _, s, i in picked]
    next_cursor = encode_cursor("relevance", list(picked[-1])) if more and picked else None
    return _page_items(session, listing, ids, stored, members), next_cursor


_ROWS_BY_ID: dict[str, Select] = {}


def _rows_by_id(session, listing: Listing, ids):
    if not ids:
        return {}
    statement = _ROWS_BY_ID.get(listing.name)
    if statement is None:  # built once per listing: building it cost more than running it
        statement = _ROWS_BY_ID[listing.name] = (
            select(*listing.columns()).select_from(listing.select_from())
            .where(in_ids(listing.id_column))
        )
    rows = session.connection().execute(statement, {"ids": ids}).all()
    return {row[0]: row for row in rows}
