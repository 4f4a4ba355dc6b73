"""claims: compare columns instead of storing a content hash; no upload_id index

Measured on 1M rows: hashing every row in Python cost ~1.5 s of a 10 s ingest budget, and the
upload_id index ~0.7 s. Changes are found by comparing the columns in SQL; the upload_id index
only served deletes of uploads, which the RESTRICT foreign key forbids once claims exist (a rare
delete of a claim-less upload pays a scan instead).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_claims_upload_id", table_name="claims")
    op.drop_column("claims", "content_hash")
    op.drop_column("claim_versions", "content_hash")


def downgrade() -> None:
    op.add_column("claim_versions", sa.Column("content_hash", sa.Text(), nullable=True))
    op.add_column("claims", sa.Column("content_hash", sa.Text(), nullable=True))
    op.create_index("ix_claims_upload_id", "claims", ["upload_id"])
