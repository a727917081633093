"""Statements run on the DBAPI cursor give what SQLAlchemy would: the same rows, the same types."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from api.db import get_session
from api.driver import fetch_all, read_value
from api.models import Agreement, Article, ArticleSector
from api.sqlids import in_ids
from tests.factories import build_world

BY_IDS = select(ArticleSector.article_id, ArticleSector.sector_id).where(
    in_ids(ArticleSector.article_id)).order_by(ArticleSector.article_id, ArticleSector.sector_id)
DATED = select(Agreement.slug, Agreement.signed_on).where(in_ids(Agreement.id)).order_by(Agreement.id)


def test_rows_match_sqlalchemys(app):
    build_world(app)
    with app.app_context():
        connection = get_session().connection()
        ids = list(connection.execute(select(Article.id)).scalars())
        expected = [tuple(row) for row in connection.execute(BY_IDS, {"ids": ids})]
        assert expected  # the world tags its articles
        assert fetch_all(connection, BY_IDS, {"ids": ids}) == expected
        assert fetch_all(connection, BY_IDS, {"ids": []}) == []


def test_columns_that_need_converting_come_back_converted(app):
    build_world(app)
    with app.app_context():
        connection = get_session().connection()
        ids = list(connection.execute(select(Agreement.id)).scalars())
        rows = fetch_all(connection, DATED, {"ids": ids})
        signed = [day for _, day in rows if day is not None]
        assert signed and all(isinstance(day, dt.date) for day in signed)  # not SQLite's text


def test_read_value_reads_one_value_or_none(app):
    build_world(app)
    statement = select(Agreement.title).where(Agreement.slug == "instc-agreement-2000")
    with app.app_context():
        expected = get_session().execute(statement).scalar_one()
        assert read_value(statement, {}) == expected
        assert read_value(select(Agreement.title).where(Agreement.slug == "none-such"), {}) is None


def test_read_value_converts_what_needs_converting(app):
    build_world(app)
    statement = select(Agreement.signed_on).where(Agreement.signed_on.is_not(None)).limit(1)
    with app.app_context():
        assert isinstance(read_value(statement, {}), dt.date)
