"""signals become episodes: one row per persisting change, with its observation history

A signal's identity is (customer, product, type, payer, key) (SPEC 3). Existing rows of one
identity whose as_of dates lie within one current-window length of each other become one
episode: the earliest row stays (its id is what alerts and links know), takes the latest row's
values, and every row becomes an observation. Alerts of merged rows point at the episode and
keep the label they were raised at; one alert per (episode, rule, label) survives, taking the
judgments and deliveries of its repeats.

Pure SQL so that `alembic upgrade --sql` (the migration-safety check) renders it. The window
lengths are a frozen copy of the defaults at this revision (DriftWatch and DelayGuard 14 days,
DenialScope 7, new_denial_reason 28).

Downgrade keeps one row per episode (its latest values) and drops the history.

Merging rows deletes the repeats (signals and alerts): the release gate in cloudbuild.yaml
blocks this revision until the operator deploys it with _ALLOW_DESTRUCTIVE_MIGRATION=true,
after the backup (docs/deploy.md).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"
# Frozen copy of signal_model.EPISODE_FAMILIES: the payment-delay measures share an episode.
FAMILY = (
    "CASE WHEN type IN ('payment_aging', 'payment_slowdown', 'payment_timing_trend') "
    "THEN 'payment_delay' WHEN type IN ('new_denial_reason', 'reason_rate_spike') "
    "THEN 'denial_reason' ELSE type END"
)
EPISODE_KEY = (
    f"encode(sha256(convert_to(product || chr(31) || {FAMILY} || chr(31) || payer || chr(31) || "
    "coalesce(key, chr(30)), 'UTF8')), 'hex')"
)
WINDOW_DAYS = (
    "CASE WHEN product IN ('driftwatch', 'delayguard') THEN 14 "
    "WHEN type = 'new_denial_reason' THEN 28 ELSE 7 END"
)
LABEL_RANK = "array_position(ARRAY['low', 'medium', 'high', 'critical'], {})"
VALUE_COLUMNS = (
    "type, as_of, window_start, window_end, baseline_start, baseline_end, baseline_value, "
    "current_value, delta, n_baseline, n_current, p_value, severity, severity_label, "
    "confidence, dollars_at_risk, summary, details"
)


def upgrade() -> None:
    for name, kind in (
        ("episode_key", "text"), ("first_seen_as_of", "date"), ("last_seen_as_of", "date"),
        ("ended_as_of", "date"), ("peak_label", "text"),
    ):  # fmt: skip
        op.execute(f"ALTER TABLE signals ADD COLUMN {name} {kind}")
    op.execute("ALTER TABLE signals ADD COLUMN times_seen integer DEFAULT 1 NOT NULL")
    _create_observations()
    op.execute(f"UPDATE signals SET episode_key = {EPISODE_KEY}")
    op.execute(
        f"""
        CREATE TEMP TABLE signal_episode_map ON COMMIT DROP AS
        WITH ordered AS (
            SELECT id, customer_id, episode_key, as_of, created_at, severity_label,
                   {WINDOW_DAYS} AS window_days,
                   lag(as_of) OVER w AS previous
            FROM signals
            WINDOW w AS (PARTITION BY customer_id, episode_key ORDER BY as_of, created_at, id)
        ), numbered AS (
            SELECT *, sum(CASE WHEN previous IS NULL OR as_of - previous > window_days
                               THEN 1 ELSE 0 END)
                          OVER (PARTITION BY customer_id, episode_key
                                ORDER BY as_of, created_at, id) AS episode
            FROM ordered
        )
        SELECT id, customer_id, window_days, severity_label,
               first_value(id) OVER e AS head_id, last_value(id) OVER e AS last_id,
               min(as_of) OVER e AS first_seen, max(as_of) OVER e AS last_seen,
               count(*) OVER e AS times_seen,
               max({LABEL_RANK.format("severity_label")}) OVER e AS peak_rank
        FROM numbered
        WINDOW e AS (PARTITION BY customer_id, episode_key, episode
                     ORDER BY as_of, created_at, id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        """
    )
    _label_alerts()
    op.execute(
        """
        INSERT INTO signal_observations (customer_id, signal_id, as_of, window_start, window_end,
            baseline_value, current_value, delta, n_baseline, n_current, p_value, severity,
            severity_label, confidence, dollars_at_risk, created_at)
        SELECT s.customer_id, m.head_id, s.as_of, s.window_start, s.window_end, s.baseline_value,
               s.current_value, s.delta, s.n_baseline, s.n_current, s.p_value, s.severity,
               s.severity_label, s.confidence, s.dollars_at_risk, s.created_at
        FROM signals s JOIN signal_episode_map m ON m.id = s.id
        ON CONFLICT (signal_id, as_of) DO NOTHING
        """
    )
    op.execute(
        f"""
        UPDATE signals h
        SET ({VALUE_COLUMNS}) = (SELECT {VALUE_COLUMNS} FROM signals l WHERE l.id = m.last_id),
            first_seen_as_of = m.first_seen,
            last_seen_as_of = m.last_seen,
            times_seen = m.times_seen,
            ended_as_of = CASE WHEN current_date - m.last_seen >= m.window_days
                               THEN m.last_seen + m.window_days END,
            peak_label = (ARRAY['low', 'medium', 'high', 'critical'])[m.peak_rank]
        FROM signal_episode_map m
        WHERE h.id = m.id AND m.id = m.head_id
        """
    )
    _alerts_follow_episodes()
    op.execute(
        "DELETE FROM signals s USING signal_episode_map m WHERE s.id = m.id AND m.id <> m.head_id"
    )
    op.execute(
        "UPDATE signals SET fingerprint = encode(sha256(convert_to(customer_id::text || chr(31) "
        "|| episode_key || chr(31) || to_char(first_seen_as_of, 'YYYY-MM-DD'), 'UTF8')), 'hex')"
    )
    for name in ("episode_key", "first_seen_as_of", "last_seen_as_of", "peak_label"):
        op.execute(f"ALTER TABLE signals ALTER COLUMN {name} SET NOT NULL")
    op.create_index(
        "uq_signals_open_episode", "signals", ["customer_id", "episode_key"], unique=True,
        postgresql_where=sa.text("ended_as_of IS NULL"),
    )  # fmt: skip


def _create_observations() -> None:
    op.create_table(
        "signal_observations",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("signal_id", sa.Uuid(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("baseline_value", sa.Double(), nullable=True),
        sa.Column("current_value", sa.Double(), nullable=True),
        sa.Column("delta", sa.Double(), nullable=True),
        sa.Column("n_baseline", sa.Integer(), nullable=True),
        sa.Column("n_current", sa.Integer(), nullable=True),
        sa.Column("p_value", sa.Double(), nullable=True),
        sa.Column("severity", sa.Double(), nullable=False),
        sa.Column("severity_label", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("dollars_at_risk", sa.Numeric(12, 2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_signal_observations_customer_id_customers"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["signal_id"], ["signals.id"],
                                name=op.f("fk_signal_observations_signal_id_signals"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_observations")),
        sa.UniqueConstraint("signal_id", "as_of", name="uq_signal_observations_signal_as_of"),
    )  # fmt: skip
    op.create_index(
        op.f("ix_signal_observations_customer_id"), "signal_observations", ["customer_id"]
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON signal_observations TO {APP_ROLE}")
    op.execute("ALTER TABLE signal_observations ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE signal_observations FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON signal_observations "
        f"USING (customer_id = {TENANT_KEY}) WITH CHECK (customer_id = {TENANT_KEY})"
    )


def _label_alerts() -> None:
    """Each alert keeps the label of the row it was raised for (before rows are merged)."""
    op.execute("ALTER TABLE alerts ADD COLUMN severity_label text")
    op.execute(
        "UPDATE alerts a SET severity_label = s.severity_label FROM signals s "
        "WHERE s.id = a.signal_id"
    )


def _alerts_follow_episodes() -> None:
    op.drop_constraint("uq_alerts_signal_rule", "alerts", type_="unique")
    op.execute(
        "UPDATE alerts a SET signal_id = m.head_id FROM signal_episode_map m "
        "WHERE a.signal_id = m.id AND m.id <> m.head_id"
    )
    _merge_repeated_alerts("signal_id, rule_id, severity_label")
    op.execute("ALTER TABLE alerts ALTER COLUMN severity_label SET NOT NULL")
    op.create_unique_constraint(
        "uq_alerts_signal_rule_label", "alerts", ["signal_id", "rule_id", "severity_label"]
    )


def _merge_repeated_alerts(identity: str) -> None:
    """Keep the earliest alert per `identity`; its repeats' judgments and deliveries move to it."""
    op.execute(
        f"""
        CREATE TEMP TABLE alert_repeats ON COMMIT DROP AS
        SELECT id, first_value(id) OVER (PARTITION BY {identity}
                                         ORDER BY created_at, id) AS keep_id
        FROM alerts
        """
    )
    op.execute("DELETE FROM alert_repeats WHERE id = keep_id")
    for table in ("operator_judgments", "webhook_deliveries"):
        op.execute(
            f"UPDATE {table} t SET alert_id = r.keep_id FROM alert_repeats r "
            "WHERE t.alert_id = r.id"
        )
    op.execute("DELETE FROM alerts a USING alert_repeats r WHERE a.id = r.id")


def downgrade() -> None:
    op.drop_constraint("uq_alerts_signal_rule_label", "alerts", type_="unique")
    _merge_repeated_alerts("signal_id, rule_id")
    op.create_unique_constraint("uq_alerts_signal_rule", "alerts", ["signal_id", "rule_id"])
    op.execute("ALTER TABLE alerts DROP COLUMN severity_label")
    op.drop_index("uq_signals_open_episode", table_name="signals")
    op.drop_index(op.f("ix_signal_observations_customer_id"), table_name="signal_observations")
    op.drop_table("signal_observations")
    for name in (
        "episode_key", "first_seen_as_of", "last_seen_as_of", "times_seen", "ended_as_of",
        "peak_label",
    ):  # fmt: skip
        op.execute(f"ALTER TABLE signals DROP COLUMN {name}")
