"""Every list filter is answered through an index, on both databases (EXPLAIN).

Each request's statements are captured as the driver receives them and explained
again: on SQLite no large table may be read by a plain `SCAN` (a scan in index
order, an index search or the full-text index are fine); on PostgreSQL, with
sequential scans priced out (`enable_seqscan = off`), no large table may still be
read by a `Seq Scan`, which would mean no index can serve it.
"""
import re

import pytest
from sqlalchemy import event

from api.db import get_engine
from tests.factories import world  # noqa: F401

LARGE = {"agreements", "articles", "article_sectors", "article_clause_types", "agreement_parties",
         "agreement_sectors", "events", "citations", "alternatives", "agreement_sector_rollups",
         "agreement_clause_type_rollups", "article_sector_keys", "article_clause_type_keys", "article_renderings",
         "agreement_renderings"}

FILTERS = [
    "/v1/agreements?party=RUS", "/v1/agreements?party_any=PRK&party_any=IND", "/v1/agreements?sector=transport",
    "/v1/agreements?clause_type=mutual-assistance", "/v1/agreements?kind=treaty", "/v1/agreements?status=in_force",
    "/v1/agreements?signed_from=2024-01-01", "/v1/agreements?signed_to=2001-01-01",
    "/v1/agreements?in_force_on=2025-11-01", "/v1/agreements?q=partnership",
    "/v1/agreements?sort=-signed_on&party=IRN", "/v1/agreements?facets=party,sector,clause_type,status,kind",
    "/v1/articles?agreement=ru-kp-comprehensive-strategic-partnership-2024", "/v1/articles?party=RUS",
    "/v1/articles?sector=security", "/v1/articles?clause_type=mutual-assistance", "/v1/articles?has_text=true",
    "/v1/articles?q=assistance", "/v1/articles?q=assistance&sort=agreement&party=RUS",
    "/v1/articles?sector=security&party=RUS", "/v1/articles?facets=party,sector,clause_type",
    "/v1/articles?sector=security&sector=military&sort=-agreement", "/v1/articles?clause_type=mutual-assistance&has_text=true",
    "/v1/articles?sector=security&clause_type=mutual-assistance&party=PRK", "/v1/articles?sector=security&format=csv",
    "/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025",
    "/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025/articles",
    "/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025/events",
    "/v1/agreements/ru-kp-comprehensive-strategic-partnership-2024/articles/4",
    "/v1/parties/RUS/agreements",
]


def _captured(app, path):
    with app.app_context():
        engine = get_engine()
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        response = app.test_client().get(path)
        assert response.status_code == 200, response.get_data(as_text=True)  # a CSV body streams here
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return engine, statements


def _unindexed_sqlite(connection, statement, parameters):
    plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    bad = []
    for row in plan:
        detail = row[-1]
        found = re.match(r"SCAN (\w+)", detail)
        if found and found.group(1) in LARGE and "USING" not in detail:
            bad.append(detail)
    return bad, "\n".join(row[-1] for row in plan)


def _unindexed_postgresql(connection, statement, parameters):
    connection.exec_driver_sql("SET enable_seqscan = off")
    plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]
    connection.exec_driver_sql("RESET enable_seqscan")
    bad = [line for line in plan if (m := re.search(r"Seq Scan on (\w+)", line)) and m.group(1) in LARGE]
    return bad, "\n".join(plan)


@pytest.mark.parametrize("path", FILTERS)
def test_the_queries_behind_each_filter_use_indexes(world, path):
    engine, statements = _captured(world, path)
    assert statements
    check = _unindexed_postgresql if engine.dialect.name == "postgresql" else _unindexed_sqlite
    with engine.connect() as connection:
        for statement, parameters in statements:
            bad, plan = check(connection, statement, parameters)
            assert not bad, f"{path}: a large table is read without an index:\n{statement}\n{plan}"
