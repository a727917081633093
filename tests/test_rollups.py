"""Agreement rollups and article keys (api/rollups.py): every seed leaves them as the articles
say, and the migrations that created them filled them from the data already there."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, select

from api import migrate
from api.db import get_engine
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
from tests.seed_fixtures.helpers import ALPHA, copy_good, edit

GAMMA = "gamma-gas-memorandum-2021"


def _rollups(app) -> tuple[dict, dict]:
    """What the rollup tables hold: {(agreement id, tag id): article count} for sectors and clause types."""
    with app.app_context(), get_engine().connect() as conn:
        return tuple(
            {(agreement, tag): n for agreement, tag, n in conn.execute(select(*model.__table__.columns))}
            for model in (AgreementSectorRollup, AgreementClauseTypeRollup)
        )


def _from_articles(app) -> tuple[dict, dict]:
    """The same, counted here from the article tags and agreement-level sectors."""
    with app.app_context(), get_engine().connect() as conn:
        sectors = Counter(conn.execute(select(Article.agreement_id, ArticleSector.sector_id)
                                       .join(ArticleSector, ArticleSector.article_id == Article.id)).all())
        for pair in conn.execute(select(AgreementSector.agreement_id, AgreementSector.sector_id)):
            sectors[tuple(pair)] += 0
        clause_types = Counter(conn.execute(select(Article.agreement_id, ArticleClauseType.clause_type_id)
                                            .join(ArticleClauseType, ArticleClauseType.article_id == Article.id)).all())
    return {tuple(k): n for k, n in sectors.items()}, {tuple(k): n for k, n in clause_types.items()}


def _keys(app) -> tuple[set, set]:
    """What the article keys hold: {(tag id, agreement id, number, article id)} for sectors and clause types."""
    with app.app_context(), get_engine().connect() as conn:
        return tuple(set(map(tuple, conn.execute(select(*model.__table__.columns))))
                     for model in (ArticleSectorKey, ArticleClauseTypeKey))


def _keys_from_articles(app) -> tuple[set, set]:
    """The same, built here from the article tags and each article's place."""
    with app.app_context(), get_engine().connect() as conn:
        place = {article: (agreement, number) for article, agreement, number
                 in conn.execute(select(Article.id, Article.agreement_id, Article.number))}
        return tuple({(tag, *place[article], article)
                      for article, tag in conn.execute(select(column.table.c.article_id, column))}
                     for column in (ArticleSector.sector_id, ArticleClauseType.clause_type_id))


def _articles(client, query: str) -> list[tuple[str, int]]:
    response = client.get(f"/v1/articles?{query}")
    assert response.status_code == 200, response.json
    return [(item["agreement"], item["number"]) for item in response.json["items"]]


def _ids(client, query: str) -> list[str]:
    response = client.get(f"/v1/agreements?{query}")
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def _facets(client) -> dict:
    return client.get("/v1/agreements?facets=sector,clause_type").json["facets"]


def test_every_seed_rebuilds_the_rollups_from_the_articles(app, runner, client, tmp_path):
    seeds = copy_good(tmp_path)
    assert runner.invoke(args=["seed", str(seeds)]).exit_code == 0
    sectors, clause_types = _rollups(app)
    assert (sectors, clause_types) == _from_articles(app)
    assert _keys(app) == _keys_from_articles(app) and all(_keys(app))
    assert _articles(client, "sector=military") == [("alpha-beta-treaty-2020", 2)]
    assert 0 in sectors.values()  # Alpha's agreement-level trade sector: no article carries it
    assert _ids(client, "sector=military") == ["alpha-beta-treaty-2020"]
    assert _ids(client, "sector=trade") == ["alpha-beta-treaty-2020"]
    assert {"value": "military", "count": 1} in _facets(client)["sector"]

    # Alpha's article 2 moves from the military sector to energy, and loses its clause type.
    edit(seeds / ALPHA, "      - {sector: military, sources: [{source: gazette-2020}]}",
         "      - {sector: energy, sources: [{source: gazette-2020}]}")
    edit(seeds / ALPHA, "    clause_types:\n      - {clause_type: mutual-assistance, paragraph: \"1\", "
                        "sources: [{source: gazette-2020}]}\n", "")
    assert runner.invoke(args=["seed", str(seeds)]).exit_code == 0

    assert _rollups(app) == _from_articles(app)
    assert _keys(app) == _keys_from_articles(app)
    assert _ids(client, "sector=military") == []
    assert _articles(client, "sector=military") == []
    assert _articles(client, "sector=energy&sort=-agreement") == [(GAMMA, 7), ("alpha-beta-treaty-2020", 2)]
    assert _articles(client, "clause_type=mutual-assistance") == []
    assert _ids(client, "sector=energy") == ["alpha-beta-treaty-2020", GAMMA]
    assert _ids(client, "clause_type=mutual-assistance") == []
    facets = _facets(client)
    assert {"value": "energy", "count": 2} in facets["sector"]
    assert "mutual-assistance" not in [facet["value"] for facet in facets["clause_type"]]

    # An agreement pruned from the files takes its rollups with it.
    (seeds / f"agreements/{GAMMA}.yaml").unlink()
    result = runner.invoke(args=["seed", "--prune", str(seeds)])
    assert result.exit_code == 0, result.output
    assert _rollups(app) == _from_articles(app)
    assert _keys(app) == _keys_from_articles(app)
    assert _ids(client, "sector=energy") == ["alpha-beta-treaty-2020"]
    assert _articles(client, "sector=energy") == [("alpha-beta-treaty-2020", 2)]


def test_the_migration_fills_the_rollups_from_the_data_there(app, runner, database_url):
    assert runner.invoke(args=["seed", "tests/seed_fixtures/good"]).exit_code == 0
    expected = _from_articles(app)
    assert expected[0] and expected[1]
    with app.app_context(), get_engine().begin() as conn:  # as a database from before the rollups
        conn.execute(delete(AgreementSectorRollup))
        conn.execute(delete(AgreementClauseTypeRollup))

    migrate.downgrade(database_url, "0004")
    migrate.upgrade(database_url)

    assert _rollups(app) == expected


def test_the_migration_fills_the_article_keys_from_the_data_there(app, runner, database_url):
    assert runner.invoke(args=["seed", "tests/seed_fixtures/good"]).exit_code == 0
    expected = _keys_from_articles(app)
    assert expected[0] and expected[1]

    migrate.downgrade(database_url, "0006")  # as a database from before the keys
    migrate.upgrade(database_url)

    assert _keys(app) == expected
