"""alerts: indexes for the due-deliveries pass, the cooldown lookup and judgment joins

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The retry pass runs on every dispatch and on the schedule: only pending rows matter.
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["customer_id", "next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    # Cooldown: a tenant's alerts of the last few hours.
    op.create_index(
        "ix_alerts_customer_created", "alerts", ["customer_id", "created_at"], unique=False
    )
    # Noise verdicts and the recovery ledger join judgments to their alert.
    op.create_index(
        "ix_operator_judgments_alert_id", "operator_judgments", ["alert_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_operator_judgments_alert_id", table_name="operator_judgments")
    op.drop_index("ix_alerts_customer_created", table_name="alerts")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
