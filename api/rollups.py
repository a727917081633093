"""Each agreement's sectors and clause types, rolled up from its articles by the writers.

Filtering or faceting agreements by sector asked every article of the matching
agreements: about 140,000 article rows for the largest party of the benchmark corpus.
The rollups hold one row per (agreement, sector) and (agreement, clause type), with the
number of articles behind it. `treaty-api seed` rebuilds them in its own transaction
whenever it writes, so readers see them change together with the articles; the
migration that created them filled them from the data already there. `import-text`
changes only texts and leaves them alone.
"""
from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, literal, select, union_all

from api.models import (
    AgreementClauseTypeRollup,
    AgreementSector,
    AgreementSectorRollup,
    Article,
    ArticleClauseType,
    ArticleSector,
)


def _sector_rows():
    tagged = union_all(
        select(Article.agreement_id.label("agreement_id"), ArticleSector.sector_id.label("sector_id"),
               literal(1).label("n"))
        .join(Article, Article.id == ArticleSector.article_id),
        select(AgreementSector.agreement_id, AgreementSector.sector_id, literal(0)),
    ).subquery("tagged")
    return (select(tagged.c.agreement_id, tagged.c.sector_id, func.sum(tagged.c.n))
            .group_by(tagged.c.agreement_id, tagged.c.sector_id))


def _clause_type_rows():
    return (select(Article.agreement_id, ArticleClauseType.clause_type_id, func.count())
            .join(Article, Article.id == ArticleClauseType.article_id)
            .group_by(Article.agreement_id, ArticleClauseType.clause_type_id))


def refresh(connection: Connection) -> None:
    """Rebuild both rollups from the articles as the caller's transaction sees them."""
    for model, tag_column, rows in (
        (AgreementSectorRollup, "sector_id", _sector_rows()),
        (AgreementClauseTypeRollup, "clause_type_id", _clause_type_rows()),
    ):
        table = model.__table__
        connection.execute(delete(table))
        connection.execute(insert(table).from_select(["agreement_id", tag_column, "article_count"], rows))
