"""Articles, across agreements or within one."""
from __future__ import annotations

import functools
from collections import defaultdict, namedtuple
from types import SimpleNamespace
from typing import Iterator

from sqlalchemy import Connection, bindparam, exists, func, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from api.driver import fetch_all
from api.errors import Problem
from api.models import (
    Agreement,
    AgreementParty,
    Alternative,
    Article,
    ArticleClauseType,
    ArticleClauseTypeKey,
    ArticleSector,
    ArticleSectorKey,
    Citation,
    ClauseType,
    Party,
    Sector,
)
from api.queries.common import Listing, Prepared, cited_source, citation_select, rare, resolve
from api.queries.paging import SortKey
from api.sqlids import in_ids


# A page deep into the default order starts at a known agreement: the party's agreements
# before it are skipped inside the subquery (see `_keyset_params`), not tried one by one.
_AGREEMENT_RANGE = (
    AgreementParty.agreement_id >= bindparam("agreement_from", -(2**62)),
    AgreementParty.agreement_id <= bindparam("agreement_to", 2**62),
)


def _keyset_params(sort: str, values: list) -> dict:
    if sort == "agreement":
        return {"agreement_from": values[0]}
    if sort == "-agreement":
        return {"agreement_to": values[0]}
    return {}


def conditions(session: Session, args: dict, *, agreement_id: int | None = None) -> Prepared:
    ids = resolve(session, {
        "agreement": ("agreement", args.get("agreement", [])),
        "party": ("party", args.get("party", [])),
        "sector": ("sector", args.get("sector", [])),
        "clause_type": ("clause_type", args.get("clause_type", [])),
    })
    params = {f"{kind}_{n}": value for kind in ("party", "sector", "clause_type")
              for n, value in enumerate(ids.get(kind, []))}
    if agreement_id is not None:
        params["agreement_id"] = agreement_id
    if ids.get("agreement"):
        params["agreements"] = ids["agreement"]
    shape = (agreement_id is not None, bool(ids.get("agreement")), len(ids.get("party", [])),
             len(ids.get("sector", [])), len(ids.get("clause_type", [])), args.get("has_text"))
    return Prepared(shape, params, _terms)


def _terms(shape: tuple, params: dict, *, agreement=Article.agreement_id, article=Article.id,
           keyed: str | None = None) -> tuple:
    """The filter terms of one shape (see `conditions`), bound to `params` where they hold a value.

    `agreement` and `article` are the columns the terms test (the article keys' on a page that
    walks them); `keyed` names the tag parameter (`sector_0`, `clause_type_0`) those keys meet."""
    one_agreement, agreements, parties, sectors, clause_types, has_text = shape

    def value(name: str):  # without a value, the parameter must be given when executing
        return bindparam(name, params[name]) if name in params else bindparam(name)

    terms = []
    if one_agreement:
        terms.append(agreement == value("agreement_id"))
    if agreements:
        terms.append(in_ids(agreement, "agreements", params.get("agreements")))
    for n in range(parties):
        terms.append(agreement.in_(
            select(AgreementParty.agreement_id).where(AgreementParty.party_id == value(f"party_{n}"),
                                                      *_AGREEMENT_RANGE)))
    for n in range(sectors):
        if keyed != f"sector_{n}":
            terms.append(exists().where(ArticleSector.article_id == article,
                                        ArticleSector.sector_id == value(f"sector_{n}")))
    for n in range(clause_types):
        if keyed != f"clause_type_{n}":
            terms.append(exists().where(ArticleClauseType.article_id == article,
                                        ArticleClauseType.clause_type_id == value(f"clause_type_{n}")))
    if has_text is not None:
        terms.append(Article.text.is_not(None) if has_text else Article.text.is_(None))
    return tuple(terms)


def _keyed_plan(shape: tuple, sort: str, slim: bool):
    """How a page in agreement order walks the keys of its first tag (see ArticleSectorKey):
    (what it selects from, its id column, its terms, its sort keys), for a prepared filter with
    a sector or a clause type; None for any other, which reads the articles in their own order.
    A `slim` page, which selects only ids, reads the articles only to test their text."""
    sectors, clause_types, has_text = shape[3], shape[4], shape[5]
    if sort not in ("agreement", "-agreement") or not (sectors or clause_types):
        return None
    key, tag, keyed = ((ArticleSectorKey, ArticleSectorKey.sector_id, "sector_0") if sectors else
                       (ArticleClauseTypeKey, ArticleClauseTypeKey.clause_type_id, "clause_type_0"))
    if slim:
        source, article = key.__table__, key.article_id
        if has_text is not None:
            source = source.join(Article, Article.id == key.article_id)
    else:
        source, article = _from().join(key, key.article_id == Article.id), Article.id
    descending = sort == "-agreement"
    return (
        source, article,
        (tag == bindparam(keyed), *_terms(shape, {}, agreement=key.agreement_id, article=article, keyed=keyed)),
        [SortKey(key.agreement_id, descending=descending), SortKey(key.number, descending=descending)],
    )


def _columns():
    return [Article.id, Agreement.slug.label("agreement"), Article.number, Article.heading, Article.summary,
            Article.text]


def _from():
    return Article.__table__.join(Agreement, Agreement.id == Article.agreement_id)


@functools.cache
def _load_statements() -> SimpleNamespace:
    """The children of a page of articles, built once; each request binds the page's ids."""
    return SimpleNamespace(
        # Unordered: Python sorts the page's few hundred rows faster than SQLite's temporary B-tree.
        citations=citation_select(in_ids(Citation.article_id), ordered=False),
        # The same, with the sources of the page's disputed values, for the few pages that have any.
        disputed_citations=citation_select(in_ids(Citation.article_id), in_ids(Citation.alternative_id, "alternatives"),
                                           ordered=False),
        # Sectors (kind 0), then clause types (kind 1), each by slug: one statement for both.
        tags=union_all(
            select(literal_column("0").label("kind"), ArticleSector.article_id, Sector.id, Sector.slug, Sector.name,
                   null().label("paragraph"))
            .join(Sector, Sector.id == ArticleSector.sector_id).where(in_ids(ArticleSector.article_id)),
            select(literal_column("1"), ArticleClauseType.article_id, ClauseType.id, ClauseType.slug, ClauseType.name,
                   ArticleClauseType.paragraph)
            .join(ClauseType, ClauseType.id == ArticleClauseType.clause_type_id)
            .where(in_ids(ArticleClauseType.article_id)),
        ).order_by(literal_column("kind"), literal_column("slug")),
        alternatives=select(Alternative.id, Alternative.article_id, Alternative.field, Alternative.value,
                            Alternative.note)
        .where(rare(in_ids(Alternative.article_id))).order_by(Alternative.field, Alternative.id),
    )


def load(session: Session, rows) -> list[dict]:
    """Articles with their tags, sources and disputes: three statements for any number of rows."""
    return load_rows(session.connection(), rows)


def load_rows(connection: Connection, rows) -> list[dict]:
    return _build(rows, _read(connection, [row.id for row in rows]))


def _read(connection: Connection, ids: list[int]) -> tuple:
    """The rows the articles `ids` are built from: their alternatives, citations and tags."""
    if not ids:
        return [], [], []
    statements, params = _load_statements(), {"ids": ids}
    alternatives = fetch_all(connection, statements.alternatives, params)
    if alternatives:
        citations = fetch_all(connection, statements.disputed_citations,
                              {"ids": ids, "alternatives": [row[0] for row in alternatives]})
    else:  # most pages: looking for the sources of no disputed value cost a fifth of the citations' read
        citations = fetch_all(connection, statements.citations, params)
    citations.sort()  # in the order recorded
    return alternatives, citations, fetch_all(connection, statements.tags, params)


def _build(rows, read: tuple) -> list[dict]:
    """The list items of the articles in `rows` from what `_read` read for them."""
    alternatives, citations, tags = read
    sectors, clause_types = defaultdict(list), defaultdict(list)
    sources, tag_sources, alt_sources = defaultdict(list), defaultdict(list), defaultdict(list)
    disputes = defaultdict(dict)
    # Rows unpacked by position: named access on every row cost more than building the items.
    for (_, _, _, article, alternative, _, sector, clause_type, locator,
         slug, title, url, publisher) in citations:
        source = cited_source(slug, title, url, publisher, locator)
        if alternative is not None:
            alt_sources[alternative].append(source)
        elif sector is not None:
            tag_sources[(article, "sector", sector)].append(source)
        elif clause_type is not None:
            tag_sources[(article, "clause_type", clause_type)].append(source)
        else:
            sources[article].append(source)
    for kind, article, tag, slug, name, paragraph in tags:
        if kind == 0:
            sectors[article].append({"slug": slug, "name": name,
                                     "sources": tag_sources.get((article, "sector", tag), [])})
        else:
            clause_types[article].append({"slug": slug, "name": name, "paragraph": paragraph,
                                          "sources": tag_sources.get((article, "clause_type", tag), [])})
    for alternative, article, field, value, note in alternatives:
        disputes[article].setdefault(field, []).append(
            {"value": value, "note": note, "sources": alt_sources.get(alternative, [])})
    return [
        {"agreement": row.agreement, "number": row.number, "heading": row.heading, "summary": row.summary,
         "text": row.text, "sectors": sectors[row.id], "clause_types": clause_types[row.id],
         "sources": sources[row.id], "disputes": disputes[row.id]}
        for row in rows
    ]


# A row of `item_batches`, a module-level type so that it can be pickled (api/forked.py).
ItemRow = namedtuple("ItemRow", [column.key for column in select(*_columns()).selected_columns])


@functools.cache
def _every_item_statements() -> SimpleNamespace:
    return SimpleNamespace(
        every_id=select(Article.id).order_by(Article.id),
        ids_of=select(Article.id).where(in_ids(Article.agreement_id, "agreements")).order_by(Article.id),
        rows=select(*_columns()).select_from(_from()).where(in_ids(Article.id)).order_by(Article.id),
    )


def item_batches(connection: Connection, agreement_ids: list[int] | None = None, batch: int = 1000) -> Iterator[tuple]:
    """For the writers that render them (api/renderings.py): every article, or those of these
    agreements, `batch` at a time, as the rows their list items are built from, read in the
    caller's transaction. `build_items` builds them from those rows alone, anywhere."""
    statements = _every_item_statements()
    if agreement_ids is None:
        ids = [row[0] for row in fetch_all(connection, statements.every_id, {})]
    else:
        ids = [row[0] for row in fetch_all(connection, statements.ids_of, {"agreements": agreement_ids})]
    for start in range(0, len(ids), batch):
        rows = [ItemRow._make(row) for row in fetch_all(connection, statements.rows, {"ids": ids[start:start + batch]})]
        yield rows, _read(connection, [row.id for row in rows])


def build_items(rows, read: tuple) -> list[tuple[int, dict]]:
    """(internal id, list item) of the articles of a batch of `item_batches`."""
    return list(zip([row.id for row in rows], _build(rows, read)))


def _facet_party(ids):
    n = func.count()
    return (select(Party.code, n).select_from(Article)
            .join(AgreementParty, AgreementParty.agreement_id == Article.agreement_id)
            .join(Party, Party.id == AgreementParty.party_id)
            .where(Article.id.in_(ids)).group_by(Party.code).order_by(n.desc(), Party.code))


def _facet_sector(ids):
    n = func.count()
    return (select(Sector.slug, n).join(ArticleSector, ArticleSector.sector_id == Sector.id)
            .where(ArticleSector.article_id.in_(ids)).group_by(Sector.slug).order_by(n.desc(), Sector.slug))


def _facet_clause_type(ids):
    n = func.count()
    return (select(ClauseType.slug, n).join(ArticleClauseType, ArticleClauseType.clause_type_id == ClauseType.id)
            .where(ArticleClauseType.article_id.in_(ids)).group_by(ClauseType.slug)
            .order_by(n.desc(), ClauseType.slug))


LISTING = Listing(
    name="articles",
    search_name="articles",
    id_column=Article.id,
    select_from=_from,
    columns=_columns,
    sorts={
        # Articles of one agreement stay together, in number order; agreements in the order they were recorded.
        "agreement": lambda: [SortKey(Article.agreement_id), SortKey(Article.number)],
        "-agreement": lambda: [SortKey(Article.agreement_id, descending=True),
                               SortKey(Article.number, descending=True)],
        "number": lambda: [SortKey(Article.number), SortKey(Article.id)],
        "-number": lambda: [SortKey(Article.number, descending=True), SortKey(Article.id, descending=True)],
    },
    default_sort="agreement",
    load=load,
    keyset_params=_keyset_params,
    keyed_plan=_keyed_plan,
    facets={"party": _facet_party, "sector": _facet_sector, "clause_type": _facet_clause_type},
)
SORTS = [*LISTING.sorts, "relevance"]
FACETS = list(LISTING.facets)


def detail(session: Session, agreement_id: int, number: int) -> dict:
    row = session.execute(
        select(*_columns()).select_from(_from())
        .where(Article.agreement_id == agreement_id, Article.number == number)
    ).one_or_none()
    if row is None:
        raise Problem(404, f"This agreement has no article {number}.")
    return load(session, [row])[0]
