"""maintenance notices: a mark beside the words, so the text carries no Slack emoji

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("maintenance_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mark", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("maintenance_notices", schema=None) as batch_op:
        batch_op.drop_column("mark")
