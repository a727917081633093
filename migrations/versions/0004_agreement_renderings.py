"""agreement renderings: each agreement's detail document, stored by the writers

A new table only (api/renderings.py fills it in the writer's transaction); nothing
here alters an existing table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "agreement_renderings",
        sa.Column("agreement_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_agreement_renderings_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_renderings")),
    )


def downgrade() -> None:
    op.drop_table("agreement_renderings")
