"""agreement rollups: the sectors and clause types of each agreement, derived from its articles

New tables, filled here from the data already present (api/rollups.py rebuilds them on
every `treaty-api seed` that writes); nothing here alters an existing table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0005"
down_revision: Union[str, None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The statements of api/rollups.py as they stood in this revision.
FILL = (
    "INSERT INTO agreement_sector_rollups (agreement_id, sector_id, article_count) "
    "SELECT agreement_id, sector_id, SUM(n) FROM ("
    "SELECT articles.agreement_id AS agreement_id, article_sectors.sector_id AS sector_id, 1 AS n "
    "FROM article_sectors JOIN articles ON articles.id = article_sectors.article_id "
    "UNION ALL SELECT agreement_id, sector_id, 0 FROM agreement_sectors"
    ") AS tagged GROUP BY agreement_id, sector_id",
    "INSERT INTO agreement_clause_type_rollups (agreement_id, clause_type_id, article_count) "
    "SELECT articles.agreement_id, article_clause_types.clause_type_id, COUNT(*) "
    "FROM article_clause_types JOIN articles ON articles.id = article_clause_types.article_id "
    "GROUP BY articles.agreement_id, article_clause_types.clause_type_id",
)


def _create(table: str, tag_column: str, tag_table: str) -> None:
    op.create_table(
        table,
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(tag_column, sa.Integer(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], name=op.f(f"fk_{table}_agreement_id_agreements"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint([tag_column], [f"{tag_table}.id"], name=op.f(f"fk_{table}_{tag_column}_{tag_table}"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agreement_id", tag_column, name=op.f(f"pk_{table}")),
    )
    op.create_index(f"ix_{table}_{tag_column}_agreement_id", table, [tag_column, "agreement_id"], unique=False)


def upgrade() -> None:
    _create("agreement_sector_rollups", "sector_id", "sectors")
    _create("agreement_clause_type_rollups", "clause_type_id", "clause_types")
    for statement in FILL:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("agreement_clause_type_rollups")
    op.drop_table("agreement_sector_rollups")
