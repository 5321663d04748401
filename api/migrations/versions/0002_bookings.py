"""bookings under one through-bill: bookings, events, live capacity, service secrets,
and the organisation of an API key

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("org", sa.String(length=128), nullable=True))
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bill_no", sa.String(length=32), nullable=False),
        sa.Column("org", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("idempotency_scope", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=256), nullable=True),
        sa.Column("offer_sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bill_no"),
        sa.UniqueConstraint("idempotency_scope", "idempotency_key", name="uq_bookings_idempotency"),
    )
    op.create_index("ix_bookings_org_created", "bookings", ["org", "created_at"])
    op.create_index("ix_bookings_status_created", "bookings", ["status", "created_at"])
    op.create_table(
        "booking_events",
        sa.Column("booking_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("booking_id", "event_id"),
    )
    for name, key, width in (("capacity_departures", "depart", 32), ("capacity_terminals", "day", 10)):
        first = "service" if key == "depart" else "node"
        op.create_table(
            name,
            sa.Column(first, sa.String(length=128), nullable=False),
            sa.Column(key, sa.String(length=width), nullable=False),
            sa.Column("capacity_t", sa.Float(), nullable=False),
            sa.Column("capacity_teu", sa.Float(), nullable=False),
            sa.Column("booked_t", sa.Float(), nullable=False),
            sa.Column("booked_teu", sa.Float(), nullable=False),
            sa.PrimaryKeyConstraint(first, key),
        )
    op.create_table(
        "service_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("service_secrets")
    op.drop_table("capacity_terminals")
    op.drop_table("capacity_departures")
    op.drop_table("booking_events")
    op.drop_index("ix_bookings_status_created", table_name="bookings")
    op.drop_index("ix_bookings_org_created", table_name="bookings")
    op.drop_table("bookings")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("org")
