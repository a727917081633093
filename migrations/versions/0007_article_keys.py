"""article keys: each tagged article under its sector or clause type, in the default order

New tables, filled here from the data already present (api/rollups.py rebuilds them on
every `treaty-api seed` that writes); nothing here alters an existing table. On SQLite
each table is its primary key (WITHOUT ROWID).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (table, tag column, tag table, tagging table): the statements of api/rollups.py as they stood in this revision.
KEYS = (
    ("article_sector_keys", "sector_id", "sectors", "article_sectors"),
    ("article_clause_type_keys", "clause_type_id", "clause_types", "article_clause_types"),
)


def upgrade() -> None:
    for table, tag_column, tag_table, tagging in KEYS:
        op.create_table(
            table,
            sa.Column(tag_column, sa.Integer(), nullable=False),
            sa.Column("agreement_id", sa.Integer(), nullable=False),
            sa.Column("number", sa.Integer(), nullable=False),
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint([tag_column], [f"{tag_table}.id"],
                                    name=op.f(f"fk_{table}_{tag_column}_{tag_table}"), ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f(f"fk_{table}_article_id_articles"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint(tag_column, "agreement_id", "number", name=op.f(f"pk_{table}")),
            sqlite_with_rowid=False,
        )
        op.create_index(op.f(f"ix_{table}_article_id"), table, ["article_id"], unique=False)
        op.execute(
            f"INSERT INTO {table} ({tag_column}, agreement_id, number, article_id) "
            f"SELECT {tagging}.{tag_column}, articles.agreement_id, articles.number, articles.id "
            f"FROM {tagging} JOIN articles ON articles.id = {tagging}.article_id"
        )


def downgrade() -> None:
    for table, *_ in reversed(KEYS):
        op.drop_table(table)
