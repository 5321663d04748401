"""vehicle–cargo matching: pool of vehicles and loads, rounds, assignments, declined pairs

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _pool(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignment_id", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(f"ix_{name}_status", name, ["status"])


def upgrade() -> None:
    _pool("matching_vehicles")
    _pool("matching_loads")
    op.create_table(
        "matching_rounds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "matching_assignments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("vehicle_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_matching_assignments_round", "matching_assignments", ["round_id"])
    op.create_table(
        "matching_declined",
        sa.Column("vehicle_id", sa.String(length=100), nullable=False),
        sa.Column("load_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("vehicle_id", "load_id"),
    )


def downgrade() -> None:
    op.drop_table("matching_declined")
    op.drop_index("ix_matching_assignments_round", "matching_assignments")
    op.drop_table("matching_assignments")
    op.drop_table("matching_rounds")
    for name in ("matching_loads", "matching_vehicles"):
        op.drop_index(f"ix_{name}_status", name)
        op.drop_table(name)
