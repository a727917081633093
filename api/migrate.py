"""Alembic driven from the application, so `treaty-api migrate` and `alembic upgrade head` agree."""
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from api.config import ROOT


# Tables and indexes that full-text search keeps outside the ORM (FTS5 virtual
# tables and their shadow tables, tsvector columns) are managed by migrations
# alone and left out of the model comparison.
EXCLUDED_PREFIXES = ("search_", "sqlite_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ in ("table", "index", "column") and name and name.startswith(EXCLUDED_PREFIXES):
        return False
    return True


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if database_url:
        # Passed through attributes, not the ini: a URL may hold '%' that configparser would mangle.
        config.attributes["database_url"] = database_url
    return config


def _ensure_sqlite_directory(database_url: str) -> None:
    """SQLite creates the file but not its folder (instance/ is not in a fresh clone)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def upgrade(database_url: str, revision: str = "head") -> None:
    _ensure_sqlite_directory(database_url)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
