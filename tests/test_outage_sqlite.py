"""Database outages on SQLite: a missing file and a locked one. Data endpoints
and /readyz answer 503 problem+json with Retry-After within seconds, /healthz
stays 200, and the same app answers 200 once the file is back or unlocked."""
from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from api import create_app, migrate
from api.db import dispose_engine

PROBLEM = "application/problem+json"
FEW_SECONDS = 6.0

pytestmark = pytest.mark.skipif(
    __import__("os").environ.get("TEST_DATABASE_URL") is not None,
    reason="SQLite outages are tested in the SQLite run; the PostgreSQL run has its own")


def list_paths(app) -> list[str]:
    client = app.test_client()
    paths = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/v1/") and "GET" in rule.methods and not rule.arguments)
    return [path for path in paths if client.get(path).status_code == 200]


def timed(client, path):
    started = time.perf_counter()
    response = client.get(path)
    return response, time.perf_counter() - started


def assert_unavailable(client, path):
    response, elapsed = timed(client, path)
    assert response.status_code == 503, (path, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM
    assert int(response.headers["Retry-After"]) > 0
    assert elapsed < FEW_SECONDS, (path, elapsed)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "sqlite3" not in body
    return response


@pytest.fixture
def app_on_file(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "RATELIMIT_ENABLED": False})
    yield app, Path(make_url(database_url).database)
    dispose_engine(app)


def test_missing_database_file_gives_503_then_recovers(tmp_path, empty_template):
    target = tmp_path / "gone" / "treaties.sqlite3"  # its directory does not exist either
    app = create_app({"DATABASE_URL": f"sqlite:///{target}", "TESTING": True, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    try:
        paths = sorted(rule.rule for rule in app.url_map.iter_rules()
                       if rule.rule.startswith("/v1/") and "GET" in rule.methods and not rule.arguments)
        # An agreement's detail reads its stored document outside the request's session.
        for path in paths[:1] + ["/v1/agreements/ru-kp-comprehensive-strategic-partnership-2024", "/readyz"]:
            assert_unavailable(client, path)
        assert client.get("/healthz").status_code == 200

        # The file comes back (restored from a backup, say): the same app serves it.
        target.parent.mkdir()
        shutil.copyfile(make_url(empty_template).database, target)
        assert client.get("/readyz").status_code == 200
        for path in list_paths(app):
            assert client.get(path).status_code == 200
    finally:
        dispose_engine(app)


def test_database_file_without_tables_gives_503_not_500(tmp_path):
    target = tmp_path / "empty.sqlite3"  # SQLite makes an empty file: no tables, no migrations
    app = create_app({"DATABASE_URL": f"sqlite:///{target}", "TESTING": True, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    try:
        paths = sorted(rule.rule for rule in app.url_map.iter_rules()
                       if rule.rule.startswith("/v1/") and "GET" in rule.methods and not rule.arguments)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (400, 503), (path, response.get_data(as_text=True))
        assert client.get("/readyz").json["type"] == "/problems/database-not-migrated"
        migrate.upgrade(f"sqlite:///{target}")
        assert client.get("/readyz").status_code == 200
    finally:
        dispose_engine(app)


def test_locked_database_gives_503_within_the_busy_timeout_then_recovers(app_on_file):
    app, path = app_on_file
    client = app.test_client()
    paths = list_paths(app)
    assert client.get("/readyz").status_code == 200
    dispose_engine(app)  # no connection kept from before the lock

    # Another process takes the file for itself: nobody else may read it.
    locker = sqlite3.connect(path, timeout=0)
    locker.execute("PRAGMA locking_mode = EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    locker.execute("CREATE TABLE lock_holder (x INTEGER)")
    try:
        for path_ in paths[:1] + ["/readyz"]:
            assert_unavailable(client, path_)
        healthz, elapsed = timed(client, "/healthz")
        assert healthz.status_code == 200 and elapsed < 1
    finally:
        locker.rollback()
        locker.close()

    assert client.get("/readyz").status_code == 200
    for path_ in paths:
        assert client.get(path_).status_code == 200, path_


def test_a_malformed_query_is_a_500_not_an_outage(app_on_file):
    # SQLite reports a syntax error and a locked file alike as OperationalError; only
    # the second is an outage that Retry-After could cure.
    from flask import Blueprint
    from sqlalchemy import text

    from api.db import get_session

    app, _ = app_on_file
    broken = Blueprint("broken", __name__)

    @broken.get("/broken")
    def run_malformed_query():
        get_session().execute(text("SELECT FROM WHERE"))

    app.register_blueprint(broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    assert "Retry-After" not in response.headers
    assert "syntax" not in response.get_data(as_text=True)
