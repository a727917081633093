"""full-text search on agreements and articles

SQLite: FTS5 external-content tables (`search_agreements`, `search_articles`)
that read their text from the base tables and are kept in step by triggers.
PostgreSQL: a stored generated tsvector column `search_vector` on each table
with a GIN index. Every object carries the `search_` prefix, which the
model/migration comparison leaves out (api/migrate.py): the ORM never sees them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table -> its searchable columns, most important first (weights A, B, C, D on PostgreSQL)
SEARCHED = {
    "agreements": ("title", "short_title", "summary"),
    "articles": ("heading", "summary", "text"),
}
WEIGHTS = "ABCD"


def _sqlite_upgrade() -> None:
    for table, columns in SEARCHED.items():
        fts = f"search_{table}"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        # External content: the index holds no copy of the text, so a delete must
        # hand FTS5 the old values to remove their tokens.
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _sqlite_downgrade() -> None:
    for table in SEARCHED:
        fts = f"search_{table}"
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")


def _postgresql_upgrade() -> None:
    for table, columns in SEARCHED.items():
        vector = " || ".join(
            f"setweight(to_tsvector('english'::regconfig, coalesce({c}, '')), '{WEIGHTS[i]}')"
            for i, c in enumerate(columns)
        )
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED")
        op.execute(f"CREATE INDEX search_{table}_vector ON {table} USING gin (search_vector)")


def _postgresql_downgrade() -> None:
    for table in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS search_{table}_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()
    else:
        raise NotImplementedError(f"full-text search is not implemented for {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_downgrade()
    elif dialect == "postgresql":
        _postgresql_downgrade()
