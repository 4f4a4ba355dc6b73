"""the payment-aging rollup: PAID lines per (payer, decided day, days to payment or -1)

DelayGuard's payment_aging (SPEC 3.3) measures the share of PAID lines still unpaid N days
after the decision, which a payment-date cohort cannot see until the late money lands. Filled
from the lines here; maintained at load time like the other rollups.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"


def upgrade() -> None:
    op.create_table(
        "claim_rollups_aging",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("pay_lag", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("cash", sa.Numeric(16, 2), nullable=False),
        # no FK to customers: derived from claims, which have none (as the other rollups)
        sa.PrimaryKeyConstraint(
            "customer_id", "payer", "day", "pay_lag", name="pk_claim_rollups_aging"
        ),
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON claim_rollups_aging TO {APP_ROLE}")
    op.execute("ALTER TABLE claim_rollups_aging ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE claim_rollups_aging FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON claim_rollups_aging "
        f"USING (customer_id = {TENANT_KEY}) WITH CHECK (customer_id = {TENANT_KEY})"
    )
    op.execute(
        "INSERT INTO claim_rollups_aging (customer_id, payer, day, pay_lag, n, cash) "
        "SELECT customer_id, payer, decided_date, coalesce(payment_date - decided_date, -1), "
        "count(*), sum(coalesce(paid_amount, allowed_amount, 0)) FROM claims "
        "WHERE outcome = 'PAID' AND decided_date IS NOT NULL GROUP BY 1, 2, 3, 4"
    )


def downgrade() -> None:
    op.drop_table("claim_rollups_aging")
