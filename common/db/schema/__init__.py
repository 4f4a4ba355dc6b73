"""SQLAlchemy Core tables. `metadata` is what Alembic compares migrations against."""

from common.db.schema.base import TENANT_TABLES, metadata
from common.db.schema.claims import (
    claim_versions,
    claims,
    column_mappings,
    cpt_overrides,
    payer_aliases,
    quarantined_objects,
    upload_rejections,
    uploads,
)
from common.db.schema.ops import audit_events, dead_letters, outbox, processed_messages
from common.db.schema.remittances import line_adjustments, provider_adjustments, remittances
from common.db.schema.rollups import (
    ROLLUP_TABLES,
    claim_rollups,
    claim_rollups_aging,
    claim_rollups_groups,
    claim_rollups_payments,
    claim_rollups_reasons,
)
from common.db.schema.signals import (
    alert_rules,
    alerts,
    operator_judgments,
    reports,
    signal_observations,
    signals,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)
from common.db.schema.tenants import (
    auth_throttle,
    customers,
    rate_events,
    refresh_tokens,
    revoked_tokens,
    users,
)

__all__ = [
    "TENANT_TABLES",
    "alert_rules",
    "alerts",
    "audit_events",
    "auth_throttle",
    "ROLLUP_TABLES",
    "claim_rollups",
    "claim_rollups_aging",
    "claim_rollups_groups",
    "claim_rollups_payments",
    "claim_rollups_reasons",
    "claim_versions",
    "claims",
    "column_mappings",
    "cpt_overrides",
    "customers",
    "dead_letters",
    "line_adjustments",
    "metadata",
    "operator_judgments",
    "outbox",
    "payer_aliases",
    "processed_messages",
    "provider_adjustments",
    "quarantined_objects",
    "rate_events",
    "refresh_tokens",
    "remittances",
    "reports",
    "revoked_tokens",
    "signal_observations",
    "signals",
    "upload_rejections",
    "uploads",
    "users",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_endpoints",
]
