"""835 remittances: CAS adjustments per line version, remittances with their PLB adjustments

SPEC 2.7. A claim-level 835 line (a CLP without SVC lines) has no cpt, so claims.cpt (and
claim_versions.cpt) may be empty, but only with cpt_group OTHER. Customer data: row-level
security on `app.customer_id`; the application role reads and writes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"
TABLES = ("line_adjustments", "remittances", "provider_adjustments")


def upgrade() -> None:
    for table in ("claims", "claim_versions"):
        op.alter_column(table, "cpt", existing_type=sa.Text(), nullable=True)
    op.create_check_constraint(
        op.f("ck_claims_cpt_known"), "claims", "cpt IS NOT NULL OR cpt_group = 'OTHER'"
    )
    op.create_table(
        "line_adjustments",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("upload_id", sa.Uuid(), nullable=False),
        sa.Column("line_key", sa.Text(collation="C"), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("group_code", sa.Text(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("family", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_adjustments")),
    )
    op.create_index(
        "ix_line_adjustments_customer_line",
        "line_adjustments",
        ["customer_id", "line_key", "upload_id"],
    )
    op.create_table(
        "remittances",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("upload_id", sa.Uuid(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("control_number", sa.Text()),
        sa.Column("payer", sa.Text()),
        sa.Column("trace_number", sa.Text()),
        sa.Column("payment_method", sa.Text()),
        sa.Column("payment_amount", sa.Numeric(12, 2)),
        sa.Column("payment_date", sa.Date()),
        sa.Column("production_date", sa.Date()),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("claims_paid", sa.Numeric(14, 2), nullable=False),
        sa.Column("provider_adjustments_total", sa.Numeric(14, 2), nullable=False),
        sa.Column("balanced", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_remittances_customer_id_customers"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["upload_id"], ["uploads.id"],
                                name=op.f("fk_remittances_upload_id_uploads"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittances")),
    )  # fmt: skip
    op.create_index(op.f("ix_remittances_customer_id"), "remittances", ["customer_id"])
    op.create_index(op.f("ix_remittances_upload_id"), "remittances", ["upload_id"])
    op.create_table(
        "provider_adjustments",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("remittance_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text()),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("fiscal_period", sa.Date()),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_provider_adjustments_customer_id_customers"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["remittance_id"], ["remittances.id"],
                                name=op.f("fk_provider_adjustments_remittance_id_remittances"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_adjustments")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_provider_adjustments_customer_id"), "provider_adjustments", ["customer_id"]
    )
    op.create_index(
        op.f("ix_provider_adjustments_remittance_id"), "provider_adjustments", ["remittance_id"]
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
    # A claim-level 835 line has no cpt: those lines cannot exist without this revision.
    op.execute("DELETE FROM claim_versions WHERE cpt IS NULL")
    op.execute("DELETE FROM claims WHERE cpt IS NULL")
    for table in reversed(TABLES):
        op.drop_table(table)  # indexes, policies and grants go with it
    op.drop_constraint(op.f("ck_claims_cpt_known"), "claims", type_="check")
    for table in ("claims", "claim_versions"):
        op.alter_column(table, "cpt", existing_type=sa.Text(), nullable=False)
