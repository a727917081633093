"""`treaty-api seed`: what a good import writes, idempotence, --dry-run, --prune, updates, rollback."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from api.db import get_engine
from api.seeding import bulk
from api.models import Agreement, Article, Citation, Event, Source
from tests.seed_fixtures.helpers import ALPHA, GOOD, copy_good, counts, dump, edit, report


def seed(runner, *args):
    return runner.invoke(args=["seed", *map(str, args)])


def scalar(app, statement):
    with app.app_context(), get_engine().connect() as conn:
        return conn.execute(statement).all()


def test_a_good_seed_set_is_written_in_full(app, runner):
    result = seed(runner, GOOD)

    assert result.exit_code == 0, result.output
    table = report(result.output)
    assert table["agreements"] == (2, 0, 0, 0)
    # Article 1 and 3 of the Alpha treaty are not in its file: its article_count (4) makes them records.
    assert table["articles"] == (5, 0, 0, 0)
    assert table["citations"] == (17, 0, 0, 0)
    assert "Seeded." in result.output
    rows = scalar(app, select(Article.number, Article.heading).join(Agreement).where(
        Agreement.slug == "alpha-beta-treaty-2020").order_by(Article.number))
    assert rows == [(1, None), (2, "Mutual assistance"), (3, None), (4, "Entry into force")]
    superseded = scalar(app, select(Agreement.supersedes_id).where(Agreement.slug == "gamma-gas-memorandum-2021"))
    alpha = scalar(app, select(Agreement.id).where(Agreement.slug == "alpha-beta-treaty-2020"))
    assert superseded == alpha
    month = scalar(app, select(Event.date, Event.date_precision).where(Event.key == "aaa-ratification"))
    assert [(d.isoformat(), p.value) for d, p in month] == [("2020-04-01", "month")]


def test_a_second_run_changes_nothing(app, runner):
    assert seed(runner, GOOD).exit_code == 0
    before = dump(app)

    result = seed(runner, GOOD)

    assert result.exit_code == 0, result.output
    assert "Nothing changed." in result.output
    assert all(created == updated == deleted == 0 for created, updated, _, deleted in report(result.output).values())
    assert report(result.output)["citations"] == (0, 0, 17, 0)
    assert dump(app) == before


def test_dry_run_reports_and_writes_nothing(app, runner):
    before = dump(app)

    result = seed(runner, "--dry-run", GOOD)

    assert result.exit_code == 0, result.output
    assert "Dry run, nothing was written." in result.output
    assert report(result.output)["agreements"] == (2, 0, 0, 0)
    assert dump(app) == before


def test_a_changed_value_is_counted_as_an_update(app, runner, tmp_path):
    seeds = copy_good(tmp_path)
    assert seed(runner, seeds).exit_code == 0
    edit(seeds / ALPHA, "signed_at: Alphaville", "signed_at: Betaville")
    edit(seeds / ALPHA, "heading: Mutual assistance", "heading: Collective defence")
    edit(seeds / "sources.yaml", "publisher: Alpha Gazette", "publisher: The Alpha Gazette")

    result = seed(runner, seeds)

    assert result.exit_code == 0, result.output
    table = report(result.output)
    assert table["agreements"] == (0, 1, 1, 0)
    assert table["articles"] == (0, 1, 4, 0)
    assert table["sources"] == (0, 1, 1, 0)
    assert table["citations"] == (0, 0, 17, 0)
    assert scalar(app, select(Agreement.signed_at).where(Agreement.slug == "alpha-beta-treaty-2020")) == [("Betaville",)]


def test_child_rows_follow_the_file_without_prune(app, runner, tmp_path):
    seeds = copy_good(tmp_path)
    assert seed(runner, seeds).exit_code == 0
    # Drop a citation and move the event's source: links and citations are rewritten from the file.
    edit(seeds / ALPHA, "  - {source: wire-report}\ndisputes:", "disputes:")
    edit(seeds / ALPHA, "sources: [{source: gazette-2020, locator: \"Article 4\"}]", "sources: [{source: wire-report}]")

    result = seed(runner, seeds)

    assert result.exit_code == 0, result.output
    assert report(result.output)["citations"] == (1, 0, 15, 2)


def test_without_prune_nothing_outside_the_files_is_deleted(app, runner, tmp_path):
    seeds = copy_good(tmp_path)
    assert seed(runner, seeds).exit_code == 0
    (seeds / "agreements/gamma-gas-memorandum-2021.yaml").unlink()
    before = counts(app)

    result = seed(runner, seeds)

    assert result.exit_code == 0, result.output
    assert report(result.output)["agreements"] == (0, 0, 1, 0)
    assert counts(app) == before


def test_prune_deletes_what_the_files_no_longer_hold(app, runner, tmp_path):
    seeds = copy_good(tmp_path)
    assert seed(runner, seeds).exit_code == 0
    (seeds / "agreements/gamma-gas-memorandum-2021.yaml").unlink()
    edit(seeds / "parties.yaml", "  - {code: gamma-gas, name: Gamma Gas Company, kind: company}\n", "")
    edit(seeds / "sectors.yaml", '  - {slug: energy, name: Energy, description: "Oil, gas and electricity."}\n', "")
    edit(seeds / ALPHA, "article_count: 4", "article_count: 3")
    edit(seeds / ALPHA, "  - number: 4\n    heading: Entry into force\n", "  - number: 3\n    heading: Entry into force\n")

    result = seed(runner, "--prune", seeds)

    assert result.exit_code == 0, result.output
    table = report(result.output)
    assert table["agreements"] == (0, 1, 0, 1)  # its article_count changed; the memorandum went
    assert table["parties"] == (0, 0, 2, 1)
    assert table["sectors"] == (0, 0, 2, 1)
    assert table["articles"][3] == 1  # article 4 of the Alpha treaty
    assert scalar(app, select(Agreement.slug)) == [("alpha-beta-treaty-2020",)]
    assert scalar(app, select(Article.number).order_by(Article.number)) == [(1,), (2,), (3,)]
    assert "Nothing changed." in seed(runner, "--prune", seeds).output


def test_an_article_text_left_out_of_the_file_is_kept(app, runner, tmp_path):
    seeds = copy_good(tmp_path)
    assert seed(runner, seeds).exit_code == 0
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(Article.__table__.update().where(Article.number == 2).values(text="Attached text."))

    result = seed(runner, seeds)

    assert "Nothing changed." in result.output
    assert scalar(app, select(Article.text).where(Article.number == 2)) == [("Attached text.",)]


def _refuse_citations(app) -> None:
    """A trigger that fails every citation insert: a database error late in the import."""
    with app.app_context(), get_engine().begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER refuse_citations BEFORE INSERT ON citations "
                "BEGIN SELECT RAISE(ABORT, 'citations are refused'); END"
            ))
        else:
            conn.execute(text(
                "CREATE FUNCTION refuse_citations() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'citations are refused'; END $$"
            ))
            conn.execute(text(
                "CREATE TRIGGER refuse_citations BEFORE INSERT ON citations "
                "FOR EACH ROW EXECUTE FUNCTION refuse_citations()"
            ))


def test_a_database_error_midway_leaves_the_database_as_it_was(app, runner, tmp_path):
    seeds = copy_good(tmp_path)
    assert seed(runner, seeds).exit_code == 0
    # Updates, deletions and inserts all come before the citations, which the trigger refuses.
    edit(seeds / ALPHA, "signed_at: Alphaville", "signed_at: Betaville")
    edit(seeds / ALPHA, "  - {source: wire-report}\ndisputes:", "  - {source: wire-report, locator: new}\ndisputes:")
    edit(seeds / "parties.yaml", "kind: company}", "kind: company}\n  - {code: CCC, name: Gamma Republic, kind: state}")
    edit(seeds / ALPHA, "  - {party: BBB, role: party}", "  - {party: CCC, role: party}")
    _refuse_citations(app)
    before = dump(app)

    result = seed(runner, seeds)

    assert result.exit_code == 1
    assert "Database error; nothing was written: " in result.output
    assert "citations are refused" in result.output
    assert dump(app) == before


def test_references_may_point_at_what_the_database_holds(app, runner, tmp_path):
    assert seed(runner, GOOD).exit_code == 0

    result = seed(runner, GOOD / ALPHA)  # one agreement file, its sources and parties already stored

    assert result.exit_code == 0, result.output
    assert "Nothing changed." in result.output
    assert len(scalar(app, select(Source.id))) == 2
    assert len(scalar(app, select(Citation.id))) == 17


def _schema(app) -> list[tuple] | None:
    """SQLite's schema as it stands (tables, indexes, triggers and their SQL); None elsewhere."""
    with app.app_context(), get_engine().connect() as conn:
        if conn.dialect.name != "sqlite":
            return None
        return sorted(tuple(r) for r in conn.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master")))


def _search(client, words: str) -> list[tuple[str, int]]:
    items = client.get("/v1/articles", query_string={"q": words, "sort": "agreement"}).json["items"]
    return [(i["agreement"], i["number"]) for i in items]


def test_a_bulk_import_is_found_by_search_and_leaves_the_schema_as_it_was(app, runner, client, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "BULK", 1)  # the small seed set takes the bulk path (a no-op on PostgreSQL)
    seeds = copy_good(tmp_path)
    schema = _schema(app)

    assert seed(runner, seeds).exit_code == 0

    assert _schema(app) == schema  # triggers and indexes are back, as the migrations wrote them
    assert _search(client, "assistance") == [("alpha-beta-treaty-2020", 2)]
    # Into tables that already hold rows: the new ones are indexed, the others stay as they were.
    edit(seeds / ALPHA, "article_count: 4", "article_count: 5")
    edit(seeds / ALPHA, "articles:\n  - number: 2", (
        "articles:\n  - number: 5\n    heading: Heliograph signals\n    sources: [{source: gazette-2020}]\n"
        "  - number: 2"))  # fmt: skip
    assert seed(runner, seeds).exit_code == 0
    assert _search(client, "heliograph") == [("alpha-beta-treaty-2020", 5)]
    assert _search(client, "assistance") == [("alpha-beta-treaty-2020", 2)]
    assert _schema(app) == schema
    with app.app_context(), get_engine().begin() as conn:
        if conn.dialect.name == "sqlite":
            for fts in ("search_articles", "search_agreements"):
                conn.execute(text(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"))
                assert _term_buffer_size(conn, fts) == bulk.DEFAULT_HASHSIZE  # set back after the bulk insert
            assert conn.scalar(text("SELECT count(*) FROM search_articles_docsize")) == len(
                conn.execute(select(Article.id)).all())


def _term_buffer_size(conn, fts: str) -> int:
    return conn.scalar(text(f"SELECT coalesce(max(v), {bulk.DEFAULT_HASHSIZE}) FROM {fts}_config WHERE k = 'hashsize'"))


def test_a_bulk_search_index_buffers_more_terms_while_it_runs(app):
    with app.app_context(), get_engine().begin() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("the search index is SQLite's FTS5")
        with bulk._term_buffer(conn, "search_articles", bulk.BULK_HASHSIZE):
            assert _term_buffer_size(conn, "search_articles") == bulk.BULK_HASHSIZE
        assert _term_buffer_size(conn, "search_articles") == bulk.DEFAULT_HASHSIZE
        conn.execute(text("INSERT INTO search_articles(search_articles, rank) VALUES ('hashsize', 4096)"))
        with bulk._term_buffer(conn, "search_articles", bulk.BULK_HASHSIZE):
            pass
        assert _term_buffer_size(conn, "search_articles") == 4096  # whatever it was before


def test_a_failed_bulk_import_leaves_the_database_as_it_was(app, runner, monkeypatch):
    monkeypatch.setattr(bulk, "BULK", 1)
    _refuse_citations(app)  # after the articles (their search triggers dropped) and the indexes dropped
    before, schema = dump(app), _schema(app)

    result = seed(runner, GOOD)

    assert result.exit_code == 1
    assert "citations are refused" in result.output
    assert dump(app) == before
    assert _schema(app) == schema


def test_an_insert_trigger_that_does_more_than_index_keeps_the_row_by_row_path(app):
    with app.app_context(), get_engine().begin() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("the search triggers are SQLite's")
        assert [name for name, _sql, _index in bulk._indexing_triggers(conn, "articles")] == ["search_articles_insert"]
        conn.execute(text(
            "CREATE TRIGGER articles_touch AFTER INSERT ON articles BEGIN "
            "UPDATE agreements SET summary = summary WHERE id = new.agreement_id; END"
        ))
        assert bulk._indexing_triggers(conn, "articles") is None


def test_an_import_leaves_postgresql_statistics_for_the_planner(app, runner):
    with app.app_context(), get_engine().connect() as conn:
        if conn.dialect.name != "postgresql":
            pytest.skip("SQLite plans without statistics here")
    assert seed(runner, GOOD).exit_code == 0
    # pg_stats rows come from ANALYZE alone; without them the planner guesses, and scans.
    analysed = scalar(app, text("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema() "
                                "AND tablename IN ('articles', 'citations', 'article_sectors')"))
    assert sorted(name for (name,) in analysed) == ["article_sectors", "articles", "citations"]
