"""Migrations round-trip, and the models never drift from them."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from api import migrate
from api.models import Base
from api.migrate import include_object


def _diff(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_object": include_object, "render_as_batch": True},
            )
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _tables(url):
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trips(databases):
    url = databases.new_empty()
    try:
        migrate.upgrade(url)
        assert {"agreements", "articles", "parties", "citations"} <= _tables(url)
        migrate.downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}
        migrate.upgrade(url)
        assert _diff(url) == []
    finally:
        databases.drop(url)


def test_models_match_the_migrations(database_url):
    # A model column added without a migration shows up here as a difference.
    assert _diff(database_url) == []
