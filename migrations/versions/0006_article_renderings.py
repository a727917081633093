"""article renderings: each article as list pages show it, stored by the writers

A new table only (api/renderings.py fills it in the writer's transaction, beside the
agreement documents); nothing here alters an existing table. Until the next write
renders them, list pages are assembled live.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0006"
down_revision: Union[str, None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "article_renderings",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_renderings_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_renderings")),
    )


def downgrade() -> None:
    op.drop_table("article_renderings")
