"""The data version: a strong ETag on streamed CSV, and cheap 304s until the data changes."""
import pytest
from sqlalchemy import event

from api import dataversion
from api.db import get_engine
from tests.factories import build_world

CSV = "/v1/agreements?format=csv&party=RUS"


@pytest.fixture
def csv_app(app):
    build_world(app)
    return app


def _bump(app):
    """A write as the commands make one: the bump in the writer's own transaction."""
    with app.app_context():
        with get_engine().begin() as conn:
            dataversion.bump(conn)


def _version(app):
    with app.app_context():
        with get_engine().connect() as conn:
            return dataversion.current(conn)


def test_a_migrated_database_starts_at_version_1_and_bump_counts(app):
    assert _version(app) == 1
    _bump(app)
    _bump(app)
    assert _version(app) == 3


def test_a_rolled_back_write_leaves_the_version(app):
    with app.app_context():
        with get_engine().connect() as conn:
            with conn.begin() as transaction:
                dataversion.bump(conn)
                assert dataversion.current(conn) == 2
                transaction.rollback()
    assert _version(app) == 1


def test_csv_has_a_strong_etag_and_a_repeat_gives_304(csv_app):
    client = csv_app.test_client()
    first = client.get(CSV)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.is_streamed
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(CSV, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert client.get(CSV, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(CSV, headers={"If-None-Match": f"W/{etag}"}).status_code == 304  # weak comparison
    assert client.get(CSV, headers={"If-None-Match": "*"}).status_code == 304
    other = client.get(CSV, headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.get_data() == first.get_data()


def test_the_same_filter_gives_the_same_etag_however_it_is_asked(csv_app):
    client = csv_app.test_client()
    etag = client.get(CSV).headers["ETag"]
    assert client.get("/v1/agreements?party=RUS&format=csv").headers["ETag"] == etag
    assert client.get("/v1/agreements?party=RUS", headers={"Accept": "text/csv"}).headers["ETag"] == etag
    # the JSON of the same filter is another representation
    assert client.get("/v1/agreements?party=RUS").headers["ETag"] != etag


def test_different_filters_and_lists_give_different_etags(csv_app):
    client = csv_app.test_client()
    paths = [CSV, "/v1/agreements?format=csv", "/v1/agreements?format=csv&party=IRN",
             "/v1/agreements?format=csv&party=RUS&sort=-id", "/v1/articles?format=csv&party=RUS",
             "/v1/parties?format=csv"]
    etags = [client.get(path).headers["ETag"] for path in paths]
    assert len(set(etags)) == len(paths)


def test_a_write_changes_the_etag_and_the_old_one_no_longer_gives_304(csv_app):
    client = csv_app.test_client()
    old = client.get(CSV).headers["ETag"]
    _bump(csv_app)
    response = client.get(CSV, headers={"If-None-Match": old})
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("id,")
    new = response.headers["ETag"]
    assert new != old
    assert client.get(CSV, headers={"If-None-Match": new}).status_code == 304


def test_a_304_runs_no_list_query(csv_app):
    client = csv_app.test_client()
    etag = client.get(CSV).headers["ETag"]
    with csv_app.app_context():
        engine = get_engine()
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(CSV, headers={"If-None-Match": etag}).status_code == 304
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # the filter's names are still resolved (an unknown party is a 400), but no agreement is read
    assert any("data_version" in s for s in statements)
    assert not any("agreements" in s for s in statements), statements


def test_head_of_csv_gives_the_etag_and_no_body(csv_app):
    client = csv_app.test_client()
    get = client.get(CSV)
    head = client.head(CSV)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.mimetype == "text/csv"
    assert client.head(CSV, headers={"If-None-Match": get.headers["ETag"]}).status_code == 304


def test_seed_and_import_text_bump_only_when_they_write(app, runner, tmp_path):
    assert runner.invoke(args=["seed", "seeds", "--dry-run"]).exit_code == 0
    assert _version(app) == 1
    assert runner.invoke(args=["seed", "seeds"]).exit_code == 0
    assert _version(app) == 2
    again = runner.invoke(args=["seed", "seeds"])
    assert "Nothing changed" in again.output and _version(app) == 2
    text = tmp_path / "text.txt"
    text.write_text("Article 1\nA new text of the first article.\n", encoding="utf-8")
    slug = "ru-ir-basis-of-relations-2001"
    assert runner.invoke(args=["import-text", slug, str(text), "--dry-run"]).exit_code == 0
    assert _version(app) == 2
    assert runner.invoke(args=["import-text", slug, str(text)]).exit_code == 0
    assert _version(app) == 3
    assert runner.invoke(args=["import-text", slug, str(text)]).exit_code == 0  # the same text: nothing written
    assert _version(app) == 3
