"""Signals, alert rules, alerts, operator judgments, webhooks and reports."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from common.db.schema.base import Money, created_at, customer_fk, metadata, tenant, uuid_pk

PRODUCTS = ("driftwatch", "denialscope", "delayguard")


def _run_window() -> list[Column]:
    """The run's as_of and its current window, half-open."""
    return [
        Column("as_of", Date, nullable=False),
        Column("window_start", Date, nullable=False),
        Column("window_end", Date, nullable=False),
    ]


def _measures() -> list[Column]:
    """What one run measured: an episode's latest values, and each observation's."""
    return [
        Column("baseline_value", Double),
        Column("current_value", Double),
        Column("delta", Double),
        Column("n_baseline", Integer),
        Column("n_current", Integer),
        Column("p_value", Double),
        Column("severity", Double, nullable=False),
        Column("severity_label", Text, nullable=False),
        Column("confidence", Double, nullable=False),
        Column("dollars_at_risk", Money),
    ]


signals = tenant(
    Table(
        "signals",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("product", Text, nullable=False),
        Column("type", Text, nullable=False),
        Column("payer", Text, nullable=False),
        Column("key", Text),
        Column("direction", Text, nullable=False),
        *_run_window(),
        Column("baseline_start", Date),
        Column("baseline_end", Date),
        *_measures(),
        Column("summary", Text, nullable=False),
        Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("fingerprint", Text, nullable=False),
        created_at(),
        # An episode (SPEC 3): one row per persisting condition of (product, type, payer, key);
        # later runs that still fire update it. The values above are the latest observation's.
        Column("episode_key", Text, nullable=False),
        Column("first_seen_as_of", Date, nullable=False),
        Column("last_seen_as_of", Date, nullable=False),
        Column("times_seen", Integer, nullable=False, server_default=text("1")),
        Column("ended_as_of", Date),
        Column("peak_label", Text, nullable=False),
        UniqueConstraint("customer_id", "fingerprint", name="uq_signals_customer_fingerprint"),
        CheckConstraint(f"product IN {PRODUCTS}", name="product_known"),
        CheckConstraint("direction IN ('up', 'down')", name="direction_known"),
    )
)

# Every run's observation of an episode: the history an episode page charts.
signal_observations = tenant(
    Table(
        "signal_observations",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        customer_fk(),
        Column("signal_id", Uuid, ForeignKey("signals.id", ondelete="CASCADE"), nullable=False),
        *_run_window(),
        *_measures(),
        created_at(),
        UniqueConstraint("signal_id", "as_of", name="uq_signal_observations_signal_as_of"),
    )
)

alert_rules = tenant(
    Table(
        "alert_rules",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("name", Text, nullable=False),
        Column("product", Text),
        Column("signal_type", Text),
        Column("payer", Text),
        Column("group_key", Text),
        Column("min_severity", Double),
        Column("min_abs_delta", Double),
        Column("min_dollars", Money),
        Column("channels", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
        Column("enabled", Boolean, nullable=False, server_default=text("true")),
        Column("is_default", Boolean, nullable=False, server_default=text("false")),
        created_at(),
    )
)

alerts = tenant(
    Table(
        "alerts",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("signal_id", Uuid, ForeignKey("signals.id", ondelete="CASCADE"), nullable=False),
        Column("rule_id", Uuid, ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
        Column("status", Text, nullable=False),
        Column("suppressed_reason", Text),
        # The episode's label when this alert was raised: one alert per (episode, rule, label),
        # so an open episode alerts again only when its label rises (SPEC 4).
        Column("severity_label", Text, nullable=False),
        created_at(),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
        UniqueConstraint(
            "signal_id", "rule_id", "severity_label", name="uq_alerts_signal_rule_label"
        ),
        CheckConstraint(
            "status IN ('open', 'sent', 'suppressed', 'acknowledged', 'resolved', 'failed')",
            name="status_known",
        ),
    )
)

operator_judgments = tenant(
    Table(
        "operator_judgments",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("alert_id", Uuid, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        Column("user_id", Uuid, ForeignKey("users.id", ondelete="SET NULL")),
        Column("verdict", Text, nullable=False),
        Column("reason_codes", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
        Column("notes", Text),
        Column("recovered_amount", Money),
        Column("recovered_date", Date),
        created_at(),
        CheckConstraint("verdict IN ('real', 'noise', 'needs_followup')", name="verdict_known"),
    )
)

webhook_endpoints = tenant(
    Table(
        "webhook_endpoints",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("url", Text, nullable=False),
        Column("description", Text),
        Column("secret_encrypted", Text, nullable=False),
        Column("active", Boolean, nullable=False, server_default=text("true")),
        created_at(),
    )
)

webhook_deliveries = tenant(
    Table(
        "webhook_deliveries",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("alert_id", Uuid, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        Column(
            "endpoint_id",
            Uuid,
            ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("event_type", Text, nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("status", Text, nullable=False, server_default="pending"),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("next_attempt_at", DateTime(timezone=True)),
        Column("delivered_at", DateTime(timezone=True)),
        created_at(),
        UniqueConstraint("alert_id", "endpoint_id", name="uq_webhook_deliveries_alert_endpoint"),
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status_known"),
    )
)

webhook_attempts = tenant(
    Table(
        "webhook_attempts",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column(
            "delivery_id",
            Uuid,
            ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("attempt_no", Integer, nullable=False),
        Column("status_code", Integer),
        Column("error", Text),
        Column("duration_ms", Integer),
        Column(
            "attempted_at", DateTime(timezone=True), nullable=False, server_default=text("now()")
        ),
    )
)

reports = tenant(
    Table(
        "reports",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("kind", Text, nullable=False),
        Column("format", Text, nullable=False),
        Column("period_start", Date, nullable=False),
        Column("period_end", Date, nullable=False),
        Column("object_name", Text, nullable=False),
        Column("size_bytes", Integer, nullable=False),
        created_at(),
    )
)

# Revision 0004: the due-deliveries pass, the cooldown lookup and judgment joins.
Index(
    "ix_webhook_deliveries_due",
    webhook_deliveries.c.customer_id,
    webhook_deliveries.c.next_attempt_at,
    postgresql_where=text("status = 'pending'"),
)
Index("ix_alerts_customer_created", alerts.c.customer_id, alerts.c.created_at)
# Revision 0011: at most one open episode per identity; observations by episode.
Index(
    "uq_signals_open_episode",
    signals.c.customer_id,
    signals.c.episode_key,
    unique=True,
    postgresql_where=text("ended_as_of IS NULL"),
)
Index("ix_operator_judgments_alert_id", operator_judgments.c.alert_id)
