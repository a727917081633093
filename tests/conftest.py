"""Fixtures: an app on a clean migrated database per test, and a shared seeded
database for read-only tests. TEST_DATABASE_URL (PostgreSQL) switches the whole
suite from SQLite to PostgreSQL."""
from __future__ import annotations

import pytest

from api import create_app, migrate
from api.db import dispose_engine
from tests.databases import DatabaseFactory, server_url_from_environment
from tests.spec_client import SpecClient

SEED_DIR = "seeds"


def pytest_report_header(config):
    url = server_url_from_environment()
    return f"database: {'PostgreSQL (TEST_DATABASE_URL)' if url else 'SQLite'}"


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    factory = DatabaseFactory(server_url_from_environment(), tmp_path_factory.mktemp("databases"))
    yield factory
    factory.cleanup()


def _migrated(url: str) -> None:
    migrate.upgrade(url)


def make_app(database_url: str, **config):
    """A test app; its test client validates every response against the OpenAPI
    document (tests/spec_client.py)."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "RATELIMIT_ENABLED": False, **config})
    app.test_client_class = SpecClient
    return app


def _seeded(url: str) -> None:
    migrate.upgrade(url)
    app = make_app(url)
    result = app.test_cli_runner().invoke(args=["seed", SEED_DIR])
    dispose_engine(app)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def empty_template(databases):
    return databases.template("empty", _migrated)


@pytest.fixture(scope="session")
def seeded_template(databases):
    return databases.template("seeded", _seeded)


@pytest.fixture
def database_url(databases, empty_template):
    """A clean, migrated, empty database for this test alone."""
    url = databases.copy(empty_template)
    yield url
    databases.drop(url)


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    yield app
    dispose_engine(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded_database_url(databases, seeded_template):
    """A database holding the seed files, for this test alone (it may write)."""
    url = databases.copy(seeded_template)
    yield url
    databases.drop(url)


@pytest.fixture(scope="session")
def shared_seeded_app(databases, seeded_template):
    """One seeded database shared by read-only tests: never write through it."""
    app = make_app(databases.copy(seeded_template))
    yield app
    dispose_engine(app)


@pytest.fixture
def seeded_client(shared_seeded_app):
    return shared_seeded_app.test_client()
