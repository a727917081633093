"""Tables derived from the article tags by the writers: agreement rollups and article keys.

Filtering or faceting agreements by sector asked every article of the matching
agreements: about 140,000 article rows for the largest party of the benchmark corpus.
The rollups hold one row per (agreement, sector) and (agreement, clause type), with the
number of articles behind it. `treaty-api seed` rebuilds them in its own transaction
whenever it writes, so readers see them change together with the articles; the
migration that created them filled them from the data already there. `import-text`
changes only texts and leaves them alone.

The article keys (ArticleSectorKey, ArticleClauseTypeKey) hold each tagged article under
its tag in the default order of articles, so a page filtered by a tag reads one page of
keys. They are rebuilt and were first filled the same way.
"""
from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, literal, select, union_all

from api.models import (
    AgreementClauseTypeRollup,
    AgreementSector,
    AgreementSectorRollup,
    Article,
    ArticleClauseType,
    ArticleClauseTypeKey,
    ArticleSector,
    ArticleSectorKey,
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


def _key_rows(tag_column):
    return (select(tag_column, Article.agreement_id, Article.number, Article.id)
            .join(Article, Article.id == tag_column.table.c.article_id))


def refresh(connection: Connection) -> None:
    """Rebuild the rollups and the article keys from the articles as the caller's transaction sees them."""
    for model, columns, rows in (
        (AgreementSectorRollup, ["agreement_id", "sector_id", "article_count"], _sector_rows()),
        (AgreementClauseTypeRollup, ["agreement_id", "clause_type_id", "article_count"], _clause_type_rows()),
        (ArticleSectorKey, ["sector_id", "agreement_id", "number", "article_id"],
         _key_rows(ArticleSector.sector_id)),
        (ArticleClauseTypeKey, ["clause_type_id", "agreement_id", "number", "article_id"],
         _key_rows(ArticleClauseType.clause_type_id)),
    ):
        table = model.__table__
        connection.execute(delete(table))
        connection.execute(insert(table).from_select(columns, rows))
