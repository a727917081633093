"""data version: one row whose version every write of the data bumps

Streamed CSV answers take their strong ETag from it (api/dataversion.py). A new
table and its row only: no ALTER, so nothing here needs SQLite's batch mode
(migrations/env.py renders batch operations for later changes to it).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version, changed_at) VALUES (1, 1, CURRENT_TIMESTAMP)")


def downgrade() -> None:
    op.drop_table("data_version")
