"""change sets keep who asked as well as who confirmed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change_sets") as batch:
        batch.add_column(sa.Column("requester_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("requester_name", sa.String(length=255), nullable=True))
        batch.create_index(
            "ix_change_sets_requester_created", ["requester_id", "created_at"], unique=False
        )
    # Before this revision a set named only one person, who both asked and applied.
    op.execute(
        "UPDATE change_sets SET requester_id = actor_id, requester_name = actor_name "
        "WHERE requester_id IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("change_sets") as batch:
        batch.drop_index("ix_change_sets_requester_created")
        batch.drop_column("requester_name")
        batch.drop_column("requester_id")
