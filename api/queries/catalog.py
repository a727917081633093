"""Parties, sectors, clause types and sources: the vocabularies the records point at."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, literal, select, union
from sqlalchemy.orm import Session

from api.errors import Problem
from api.models import (
    AgreementClauseTypeRollup,
    AgreementParty,
    AgreementSector,
    AgreementSectorRollup,
    Article,
    ArticleClauseType,
    ArticleSector,
    ClauseType,
    Party,
    Sector,
    Source,
)
from api.queries.common import Listing
from api.queries.paging import SortKey


def _by_key(key_column, name_column):
    return {
        key_column.key: lambda: [SortKey(key_column, kind="str")],
        f"-{key_column.key}": lambda: [SortKey(key_column, descending=True, kind="str")],
        "name": lambda: [SortKey(name_column, kind="str"), SortKey(key_column, kind="str")],
        "-name": lambda: [SortKey(name_column, descending=True, kind="str"),
                          SortKey(key_column, descending=True, kind="str")],
    }


# -- parties ----------------------------------------------------------------------

def _party_columns():
    return [Party.id, Party.code, Party.name, Party.kind]


def _load_parties(session: Session, rows) -> list[dict]:
    counts = dict(session.execute(
        select(AgreementParty.party_id, func.count()).where(AgreementParty.party_id.in_([r.id for r in rows]))
        .group_by(AgreementParty.party_id)
    ).all()) if rows else {}
    return [{"code": r.code, "name": r.name, "kind": r.kind.value, "agreement_count": counts.get(r.id, 0)}
            for r in rows]


def party_conditions(args: dict) -> list:
    return [Party.kind.in_(args["kind"])] if args.get("kind") else []


PARTIES = Listing("parties", None, Party.id, lambda: Party.__table__, _party_columns,
                  _by_key(Party.code, Party.name), "code",
                  _load_parties)


def party(session: Session, code: str) -> dict:
    row = session.execute(select(*_party_columns()).where(Party.code == code)).one_or_none()
    if row is None:
        raise Problem(404, f"No party has the code {code!r}.")
    return _load_parties(session, [row])[0]


# -- sectors and clause types ----------------------------------------------------------

def _sector_columns():
    return [Sector.id, Sector.slug, Sector.name, Sector.description]


def _load_sectors(session: Session, rows) -> list[dict]:
    ids = [r.id for r in rows]
    counts = {}
    if ids:  # both counts from the rollups: one row per agreement, with its articles in the sector
        counts = {sector_id: (articles, agreements) for sector_id, articles, agreements in session.execute(
            select(AgreementSectorRollup.sector_id, func.sum(AgreementSectorRollup.article_count), func.count())
            .where(AgreementSectorRollup.sector_id.in_(ids)).group_by(AgreementSectorRollup.sector_id))}
    items = []
    for r in rows:
        articles, agreements = counts.get(r.id, (0, 0))
        items.append({"slug": r.slug, "name": r.name, "description": r.description,
                      "article_count": articles, "agreement_count": agreements})
    return items


SECTORS = Listing("sectors", None, Sector.id, lambda: Sector.__table__, _sector_columns,
                  _by_key(Sector.slug, Sector.name), "slug", _load_sectors)


def sector(session: Session, slug: str) -> dict:
    row = session.execute(select(*_sector_columns()).where(Sector.slug == slug)).one_or_none()
    if row is None:
        raise Problem(404, f"No sector has the slug {slug!r}.")
    return _load_sectors(session, [row])[0]


def _clause_type_columns():
    return [ClauseType.id, ClauseType.slug, ClauseType.name, ClauseType.description, ClauseType.atop_obligation]


def _load_clause_types(session: Session, rows) -> list[dict]:
    ids = [r.id for r in rows]
    articles = dict(session.execute(
        select(AgreementClauseTypeRollup.clause_type_id, func.sum(AgreementClauseTypeRollup.article_count))
        .where(AgreementClauseTypeRollup.clause_type_id.in_(ids))
        .group_by(AgreementClauseTypeRollup.clause_type_id)).all()) if ids else {}
    return [{"slug": r.slug, "name": r.name, "description": r.description,
             "atop_obligation": r.atop_obligation.value if r.atop_obligation else None,
             "article_count": articles.get(r.id, 0)} for r in rows]


CLAUSE_TYPES = Listing("clause_types", None, ClauseType.id, lambda: ClauseType.__table__, _clause_type_columns,
                       _by_key(ClauseType.slug, ClauseType.name), "slug", _load_clause_types)


def clause_type(session: Session, slug: str) -> dict:
    row = session.execute(select(*_clause_type_columns()).where(ClauseType.slug == slug)).one_or_none()
    if row is None:
        raise Problem(404, f"No clause type has the slug {slug!r}.")
    return _load_clause_types(session, [row])[0]


# -- sources ----------------------------------------------------------------------

def _source_columns():
    return [Source.id, Source.slug, Source.title, Source.publisher, Source.url, Source.published_on, Source.kind,
            Source.language, Source.note]


def _load_sources(session: Session, rows) -> list[dict]:
    return [{"id": r.slug, "title": r.title, "publisher": r.publisher, "url": r.url,
             "published_on": r.published_on, "kind": r.kind, "language": r.language, "note": r.note}
            for r in rows]


def source_conditions(args: dict) -> list:
    return [Source.kind.in_(args["kind"])] if args.get("kind") else []


SOURCES = Listing(
    "sources", None, Source.id, lambda: Source.__table__, _source_columns,
    {
        "id": lambda: [SortKey(Source.slug, kind="str")],
        "-id": lambda: [SortKey(Source.slug, descending=True, kind="str")],
        "published_on": lambda: [SortKey(Source.published_on, nullable=True, kind="date"), SortKey(Source.id)],
        "-published_on": lambda: [SortKey(Source.published_on, descending=True, nullable=True, kind="date"),
                                  SortKey(Source.id, descending=True)],
    },
    "id", _load_sources,
)


def source(session: Session, slug: str) -> dict:
    row = session.execute(select(*_source_columns()).where(Source.slug == slug)).one_or_none()
    if row is None:
        raise Problem(404, f"No source has the id {slug!r}.")
    return _load_sources(session, [row])[0]


# -- compare ------------------------------------------------------------------------

def compare(session: Session, slugs: list[str]) -> dict:
    """For every sector and clause type: the articles of each agreement that carry it."""
    from api.queries.common import resolve

    ids = resolve(session, {"agreements": ("agreement", slugs)})["agreements"]
    slug_of = dict(zip(ids, slugs))
    carried: dict[tuple[str, int], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    whole: dict[tuple[str, int], set[int]] = defaultdict(set)
    for kind, tag_id, agreement_id, number in session.execute(union(
        select(literal("sector").label("kind"), ArticleSector.sector_id, Article.agreement_id,
               Article.number)
        .join(Article, Article.id == ArticleSector.article_id).where(Article.agreement_id.in_(ids)),
        select(literal("clause_type"), ArticleClauseType.clause_type_id, Article.agreement_id,
               Article.number)
        .join(Article, Article.id == ArticleClauseType.article_id).where(Article.agreement_id.in_(ids)),
    ).order_by("number")):
        carried[(kind, tag_id)][agreement_id].append(number)
    for sector_id, agreement_id in session.execute(
        select(AgreementSector.sector_id, AgreementSector.agreement_id).where(AgreementSector.agreement_id.in_(ids))
    ):
        whole[("sector", sector_id)].add(agreement_id)
    rows = []
    vocabularies = [("sector", Sector), ("clause_type", ClauseType)]
    for kind, model in vocabularies:
        for tag_id, slug, name in session.execute(select(model.id, model.slug, model.name).order_by(model.slug)):
            by_agreement = carried.get((kind, tag_id), {})
            rows.append({
                "kind": kind, "slug": slug, "name": name,
                "articles": {slug_of[a]: sorted(by_agreement.get(a, [])) for a in ids},
                "in_agreement": {slug_of[a]: bool(by_agreement.get(a)) or a in whole.get((kind, tag_id), ())
                                 for a in ids},
            })
    return {"agreements": slugs, "rows": rows}
