"""train runs count semitrailer slots (piggyback runs): capacity_trailers, booked_trailers

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("capacity_departures") as batch:
        batch.add_column(
            sa.Column("capacity_trailers", sa.Float(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("booked_trailers", sa.Float(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("capacity_departures") as batch:
        batch.drop_column("booked_trailers")
        batch.drop_column("capacity_trailers")
