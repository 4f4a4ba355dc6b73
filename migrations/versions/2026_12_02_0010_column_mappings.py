"""per-customer column mappings: an exact header → a canonical field (SPEC 2.2)

A customer's own header spelling, applied before the built-in aliases. Customer data like
payer_aliases: row-level security on `app.customer_id`, the application role reads and writes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"
# Frozen copy of common.domain.columns.ALIASES' keys at this revision (a migration must not
# change when application code does); a new canonical field needs a migration of its own.
FIELDS = (
    "claim_id", "line_number", "payer", "cpt", "service_date", "submitted_date", "decided_date",
    "outcome", "payment_date", "billed_amount", "allowed_amount", "paid_amount",
    "denial_reason_code", "denial_reason_text",
)


def upgrade() -> None:
    op.create_table(
        "column_mappings",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("header", sa.Text(), nullable=False),
        sa.Column("header_key", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.CheckConstraint(f"field IN {FIELDS}", name=op.f("ck_column_mappings_field_known")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_column_mappings_customer_id_customers"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column_mappings")),
        sa.UniqueConstraint("customer_id", "header_key",
                            name="uq_column_mappings_customer_header_key"),
    )  # fmt: skip
    op.create_index(op.f("ix_column_mappings_customer_id"), "column_mappings", ["customer_id"])
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON column_mappings TO {APP_ROLE}")
    op.execute("ALTER TABLE column_mappings ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE column_mappings FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON column_mappings "
        f"USING (customer_id = {TENANT_KEY}) WITH CHECK (customer_id = {TENANT_KEY})"
    )


def downgrade() -> None:
    # The table's policy and grants go with it.
    op.drop_index(op.f("ix_column_mappings_customer_id"), table_name="column_mappings")
    op.drop_table("column_mappings")
