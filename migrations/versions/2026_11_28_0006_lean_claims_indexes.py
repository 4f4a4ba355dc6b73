"""merge parallel branches; leaner claims writes

Every index and per-row foreign-key trigger on `claims` is paid on each of the millions of
rows an upload inserts. The covering signal index (0003) already serves (customer_id,
decided_date) scans, composite indexes lead with customer_id, and RLS WITH CHECK pins every
claim to its tenant, so the single-column customer index, the two narrower decided-date
indexes and the claims → customers foreign key go. claims → uploads (RESTRICT) stays.

Revision ID: 0006
Revises: 0003, 0004, 0005
Create Date: 2026-11-28 04:30:00
"""

from alembic import op

revision = "0006"
down_revision = ("0003", "0004", "0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("fk_claims_customer_id_customers", "claims", type_="foreignkey")
    op.drop_index("ix_claims_customer_id", table_name="claims")
    op.drop_index("ix_claims_customer_decided", table_name="claims")
    op.drop_index("ix_claims_customer_payer_decided", table_name="claims")


def downgrade() -> None:
    op.create_index("ix_claims_customer_payer_decided", "claims",
                    ["customer_id", "payer", "decided_date"])
    op.create_index("ix_claims_customer_decided", "claims", ["customer_id", "decided_date"])
    op.create_index("ix_claims_customer_id", "claims", ["customer_id"])
    op.create_foreign_key("fk_claims_customer_id_customers", "claims", "customers",
                          ["customer_id"], ["id"], ondelete="RESTRICT")
