"""api: claim rollups at (day, payer) grain with outcome counts as columns

The 0005 grain (day, payer, cpt_group, outcome) made a year of a 1M-claim tenant ~25k rows,
too many for a 50 ms dashboard; nothing the API shows needs cpt_group. The table is a cache
(rebuilt from claims whenever the uploads watermark moves), so it is dropped and recreated.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 05:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"


def _rls(table: str) -> None:
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING (customer_id = {TENANT_KEY}) WITH CHECK (customer_id = {TENANT_KEY})"
    )


def upgrade() -> None:
    op.drop_table("claim_rollups")
    op.execute("DELETE FROM claim_rollup_state")  # every rollup must be rebuilt
    money = sa.Numeric(16, 2)
    op.create_table(
        "claim_rollups",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        sa.Column("n_paid", sa.Integer(), nullable=False),
        sa.Column("n_denied", sa.Integer(), nullable=False),
        sa.Column("n_other", sa.Integer(), nullable=False),
        sa.Column("billed", money, nullable=False),
        sa.Column("allowed", money, nullable=False),
        sa.Column("paid", money, nullable=False),
        sa.Column("denied_billed", money, nullable=False),
        sa.Column("decision_days", sa.BigInteger(), nullable=False),
        sa.Column("n_decided", sa.Integer(), nullable=False),
        sa.Column("payment_days", sa.BigInteger(), nullable=False),
        sa.Column("n_payment", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name=op.f("fk_claim_rollups_customer_id_customers"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("customer_id", "day", "payer", name="pk_claim_rollups"),
    )
    _rls("claim_rollups")


def downgrade() -> None:
    op.drop_table("claim_rollups")
    op.execute("DELETE FROM claim_rollup_state")
    op.create_table(
        "claim_rollups",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        sa.Column("cpt_group", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("billed", sa.Numeric(16, 2), nullable=False),
        sa.Column("allowed", sa.Numeric(16, 2), nullable=False),
        sa.Column("paid", sa.Numeric(16, 2), nullable=False),
        sa.Column("decision_days", sa.BigInteger(), nullable=False),
        sa.Column("n_decided", sa.Integer(), nullable=False),
        sa.Column("payment_days", sa.BigInteger(), nullable=False),
        sa.Column("n_payment", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name=op.f("fk_claim_rollups_customer_id_customers"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "customer_id", "day", "payer", "cpt_group", "outcome", name="pk_claim_rollups"
        ),
    )
    _rls("claim_rollups")
