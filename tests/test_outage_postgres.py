"""Database outages on PostgreSQL, against a real gunicorn serving the app.

The test owns its database server: a throwaway cluster made with initdb on a
free port, stopped and started at will. The shared server is never touched.
While the database is down, data endpoints and /readyz answer 503 problem+json
with Retry-After within seconds and /healthz stays 200; once it is back, the
same workers answer 200 again without a restart.
"""
from __future__ import annotations

import os
import socket
import threading
import time

import psycopg
import pytest

from api import create_app, migrate
from api.db import dispose_engine
from tests.hostile.servers import Gunicorn, ThrowawayCluster, free_port, get, initdb_path

PROBLEM = "application/problem+json"
FEW_SECONDS = 6.0  # connect timeout (3 s) plus slack; far below gunicorn's 30 s worker timeout

pytestmark = [
    pytest.mark.skipif(os.environ.get("TEST_DATABASE_URL") is None,
                       reason="PostgreSQL outages are tested in the PostgreSQL run (TEST_DATABASE_URL)"),
    pytest.mark.skipif(initdb_path() is None,
                       reason="PostgreSQL's initdb is not installed: the outage test needs a server of its own"),
]


def data_paths(app) -> list[str]:
    """Every /v1 GET endpoint without path arguments: all read the database."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/v1/") and "GET" in rule.methods and not rule.arguments)


@pytest.fixture(scope="module")
def cluster():
    cluster = ThrowawayCluster()
    try:
        cluster.start()
        with psycopg.connect(cluster.url, autocommit=True) as connection:
            connection.execute('CREATE DATABASE "treaty"')
        url = cluster.database_url("treaty")
        migrate.upgrade(url)  # migrated and empty: every data endpoint still queries it
        yield cluster
    finally:
        cluster.destroy()


def assert_unavailable(answer, what: str) -> None:
    assert answer.status == 503, (what, answer)
    assert answer.mimetype == PROBLEM, (what, answer)
    assert int(answer.headers["retry-after"]) > 0, (what, answer.headers)
    assert answer.elapsed < FEW_SECONDS, (what, answer)
    assert "Traceback" not in answer.text and "psycopg" not in answer.text, answer


def test_stopped_database_gives_503_then_recovers_without_restart(cluster):
    app = create_app({"DATABASE_URL": cluster.database_url("treaty"), "TESTING": True})
    paths = data_paths(app)
    if not paths:
        pytest.skip("no /v1 data endpoint exists yet")
    # Two workers: every process keeps its own pool, and each must recover.
    with Gunicorn(cluster.database_url("treaty"), workers=2) as server:
        assert get(server.port, "/readyz").status == 200
        # Those that answer without arguments (a list); /v1/compare, say, needs some.
        paths = [path for path in paths if get(server.port, path).status == 200]
        assert paths
        # An agreement's detail reads its stored document on a connection of its own (api.db.read_value).
        detail = "/v1/agreements/no-such-agreement"
        assert get(server.port, detail).status == 404

        cluster.stop()
        for _ in range(2):  # both workers, whichever takes the connection
            for path in paths + ["/readyz", detail]:
                assert_unavailable(get(server.port, path), path)
        healthz = get(server.port, "/healthz")
        assert healthz.status == 200 and healthz.elapsed < 1, healthz

        cluster.start()
        # The pools hold connections from before the restart; pre-ping replaces them.
        for _ in range(3):
            for path in paths + ["/readyz"]:
                answer = get(server.port, path)
                assert answer.status == 200, (path, answer, server.output())
            assert get(server.port, detail).status == 404
        assert server.process.poll() is None  # the same server, never restarted


def test_unreachable_database_that_never_answers_gives_503_within_the_connect_timeout():
    # A peer that accepts the connection and then says nothing, like a host behind a dead link.
    listener = socket.socket()
    listener.bind(("127.0.0.1", free_port(range(55400, 55500))))
    listener.listen(16)
    port = listener.getsockname()[1]
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    app = create_app({"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/treaty", "TESTING": True,
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    try:
        paths = data_paths(app) or ["/readyz"]
        for path in [paths[0], "/readyz"]:
            answers = []
            started = time.perf_counter()
            worker = threading.Thread(target=lambda: answers.append(client.get(path)), daemon=True)
            worker.start()
            worker.join(timeout=30)  # without a connect timeout it would hang here for good
            elapsed = time.perf_counter() - started
            assert answers, f"{path} still waiting after {elapsed:.0f} s"
            response = answers[0]
            assert response.status_code == 503, (path, response.get_data(as_text=True))
            assert response.mimetype == PROBLEM
            assert response.headers["Retry-After"]
            assert elapsed < FEW_SECONDS, (path, elapsed)
        assert accepted, "the app never reached the silent peer"
        assert client.get("/healthz").status_code == 200
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()
        dispose_engine(app)


def test_a_statement_stuck_behind_a_lock_is_cancelled_with_a_503(cluster):
    app = create_app({"DATABASE_URL": cluster.database_url("treaty"), "TESTING": True,
                      "RATELIMIT_ENABLED": False, "DB_STATEMENT_TIMEOUT_MS": 1500})
    paths = [p for p in data_paths(app) if p == "/v1/agreements"]
    if not paths:
        pytest.skip("no /v1/agreements endpoint exists yet")
    client = app.test_client()
    try:
        with psycopg.connect(cluster.database_url("treaty")) as locker:
            locker.execute("LOCK TABLE agreements IN ACCESS EXCLUSIVE MODE")
            started = time.perf_counter()
            response = client.get(paths[0])
            elapsed = time.perf_counter() - started
            locker.rollback()
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == PROBLEM
        assert 1.4 < elapsed < FEW_SECONDS
        assert client.get(paths[0]).status_code == 200
    finally:
        dispose_engine(app)


def test_requests_are_held_to_the_statement_timeout_and_commands_are_not(cluster):
    import click
    from flask import Blueprint
    from sqlalchemy import text

    from api.db import get_session

    app = create_app({"DATABASE_URL": cluster.database_url("treaty"), "TESTING": True,
                      "RATELIMIT_ENABLED": False, "DB_STATEMENT_TIMEOUT_MS": 1500})

    def current_timeout() -> str:
        return get_session().execute(text("SHOW statement_timeout")).scalar_one()

    probe = Blueprint("probe", __name__)
    probe.get("/timeout")(lambda: current_timeout())
    app.register_blueprint(probe)

    @app.cli.command("show-timeout")
    def show_timeout():
        click.echo(current_timeout())

    client, runner = app.test_client(), app.test_cli_runner()
    try:
        assert client.get("/timeout").get_data(as_text=True) == "1500ms"
        # The same pooled connection, now serving a command such as `seed`: no timeout.
        assert runner.invoke(args=["show-timeout"]).output.strip() == "0"
        assert client.get("/timeout").get_data(as_text=True) == "1500ms"
    finally:
        dispose_engine(app)
