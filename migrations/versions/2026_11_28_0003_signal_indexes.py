"""signals: covering indexes so the three products read index ranges, not the whole table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 05:30:00

Claims arrive in upload order, not date order, so a date-range bitmap scan still touches
nearly every heap page. With every column the products read INCLUDEd, DriftWatch and
DenialScope (decided_date windows) and DelayGuard (payment_date and decided_date windows) run
as index-only scans once autovacuum has set the visibility map (see docs/benchmarks.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DECIDED_INCLUDE = [
    "payer", "cpt_group", "outcome", "submitted_date", "payment_date", "billed_amount",
    "allowed_amount", "paid_amount", "denial_reason_code", "denial_reason_text",
]  # fmt: skip
PAID_INCLUDE = ["payer", "submitted_date", "paid_amount", "allowed_amount"]


def upgrade() -> None:
    op.create_index(
        "ix_claims_signals_decided",
        "claims",
        ["customer_id", "decided_date"],
        unique=False,
        postgresql_include=DECIDED_INCLUDE,
    )
    op.create_index(
        "ix_claims_signals_paid",
        "claims",
        ["customer_id", "payment_date"],
        unique=False,
        postgresql_include=PAID_INCLUDE,
        postgresql_where=sa.text("outcome = 'PAID'"),
    )


def downgrade() -> None:
    op.drop_index("ix_claims_signals_paid", table_name="claims")
    op.drop_index("ix_claims_signals_decided", table_name="claims")
