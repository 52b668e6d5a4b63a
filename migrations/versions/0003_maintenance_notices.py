"""maintenance notices: each window's start and end announced once

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 01:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "maintenance_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("window_key", sa.String(length=255), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_notices")),
        sa.UniqueConstraint(
            "window_key", "phase", name=op.f("uq_maintenance_notices_window_key_phase")
        ),
    )


def downgrade() -> None:
    op.drop_table("maintenance_notices")
