"""api: per-day claim rollups (dashboard, payer summary) and the claims cursor index

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-28 05:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"
TABLES = ("claim_rollups", "claim_rollup_state")
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"


def upgrade() -> None:
    op.create_index("ix_claims_customer_id_pk", "claims", ["customer_id", "id"], unique=False)
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
    op.create_table(
        "claim_rollup_state",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("watermark", sa.Text(), nullable=False),
        sa.Column(
            "refreshed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name=op.f("fk_claim_rollup_state_customer_id_customers"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_claim_rollup_state")),
    )
    for table in TABLES:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            f"USING (customer_id = {TENANT_KEY}) WITH CHECK (customer_id = {TENANT_KEY})"
        )


def downgrade() -> None:
    op.drop_table("claim_rollup_state")
    op.drop_table("claim_rollups")
    op.drop_index("ix_claims_customer_id_pk", table_name="claims")
