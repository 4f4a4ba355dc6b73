"""data model v2: claim service lines, append-only uploads, rollups maintained at load time

DESIGN §4. A `claims` row is a service line keyed by `line_key` (SPEC 2.5); an existing row's
identity becomes the line identity of a one-line claim. The per-row foreign key to uploads
goes (2.8 s of 12 s per million inserted lines): a trigger refuses to delete an upload that
loaded lines, and the application role loses DELETE on uploads. The covering signal indexes
go: the products read rollups, which this revision creates and fills from the lines.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"
SEP = "chr(31)"
MONEY = sa.Numeric(16, 2)


def _type(kind):
    return kind() if isinstance(kind, type) else kind

# Frozen copies of the rollup definitions at this revision (a migration must not change when
# application code does): table → (key columns, [(column, type, expression over lines)]).
LAG = "(coalesce(submitted_date, service_date))"
ROLLUPS = {
    "claim_rollups": (
        ("day", "payer"),
        f"coalesce(decided_date, {LAG}) AS day, payer",
        "TRUE",
        [
            ("n_paid", sa.Integer, "count(*) FILTER (WHERE outcome = 'PAID')"),
            ("n_denied", sa.Integer, "count(*) FILTER (WHERE outcome = 'DENIED')"),
            ("n_other", sa.Integer, "count(*) FILTER (WHERE outcome = 'OTHER')"),
            ("n_decided", sa.Integer, "count(decided_date)"),
            ("n_payment", sa.Integer, "count(payment_date)"),
            ("n_lag_service", sa.Integer, "count(*) FILTER (WHERE submitted_date IS NULL)"),
            ("billed", MONEY, "coalesce(sum(billed_amount), 0)"),
            ("allowed", MONEY, "coalesce(sum(allowed_amount), 0)"),
            ("paid", MONEY, "coalesce(sum(paid_amount), 0)"),
            ("denied_billed", MONEY,
             "coalesce(sum(billed_amount) FILTER (WHERE outcome = 'DENIED'), 0)"),
            ("denied_charge", MONEY, "coalesce(sum(coalesce(billed_amount, allowed_amount, 0))"
             " FILTER (WHERE outcome = 'DENIED'), 0)"),
            ("decision_days", sa.BigInteger, f"coalesce(sum(decided_date - {LAG}), 0)"),
            ("payment_days", sa.BigInteger, f"coalesce(sum(payment_date - {LAG}), 0)"),
            ("n_paid_undated", sa.Integer,
             "count(*) FILTER (WHERE outcome = 'PAID' AND payment_date IS NULL)"),
            ("paid_lag_days", sa.BigInteger,
             f"coalesce(sum(decided_date - {LAG}) FILTER (WHERE outcome = 'PAID'), 0)"),
            ("paid_lag_days_sq", sa.BigInteger,
             f"coalesce(sum((decided_date - {LAG})::bigint * (decided_date - {LAG}))"
             " FILTER (WHERE outcome = 'PAID'), 0)"),
            ("paid_undated_lag_days", sa.BigInteger, f"coalesce(sum(decided_date - {LAG})"
             " FILTER (WHERE outcome = 'PAID' AND payment_date IS NULL), 0)"),
            ("paid_cash", MONEY, "coalesce(sum(coalesce(paid_amount, allowed_amount, 0))"
             " FILTER (WHERE outcome = 'PAID'), 0)"),
        ],
    ),
    "claim_rollups_groups": (
        ("payer", "day", "cpt_group", "lag_days"),
        f"payer, decided_date AS day, cpt_group, decided_date - {LAG} AS lag_days",
        "outcome IN ('PAID', 'DENIED')",
        [
            ("n", sa.Integer, "count(*)"),
            ("n_denied", sa.Integer, "count(*) FILTER (WHERE outcome = 'DENIED')"),
            ("n_lag_service", sa.Integer, "count(*) FILTER (WHERE submitted_date IS NULL)"),
            ("charge", MONEY, "sum(coalesce(billed_amount, allowed_amount, 0))"),
        ],
    ),
    "claim_rollups_reasons": (
        ("payer", "day", "reason"),
        "payer, decided_date AS day, coalesce(nullif(btrim(denial_reason_code), ''),"
        " nullif(btrim(denial_reason_text), ''), 'UNSPECIFIED') AS reason",
        "outcome = 'DENIED'",
        [
            ("n", sa.Integer, "count(*)"),
            ("charge", MONEY, "sum(coalesce(billed_amount, allowed_amount, 0))"),
        ],
    ),
    "claim_rollups_payments": (
        ("payer", "day"),
        "payer, payment_date AS day",
        "outcome = 'PAID' AND payment_date IS NOT NULL",
        [
            ("n", sa.Integer, "count(*)"),
            ("n_lag_service", sa.Integer, "count(*) FILTER (WHERE submitted_date IS NULL)"),
            ("lag_days", sa.BigInteger, f"sum(payment_date - {LAG})"),
            ("lag_days_sq", sa.BigInteger,
             f"sum((payment_date - {LAG})::bigint * (payment_date - {LAG}))"),
            ("cash", MONEY, "sum(coalesce(paid_amount, allowed_amount, 0))"),
        ],
    ),
}
KEY_TYPES = {"day": sa.Date, "payer": sa.Text, "cpt_group": sa.Text, "lag_days": sa.Integer,
             "reason": sa.Text}
SIGNAL_DECIDED_INCLUDE = [
    "payer", "cpt_group", "outcome", "submitted_date", "payment_date", "billed_amount",
    "allowed_amount", "paid_amount", "denial_reason_code", "denial_reason_text",
]


def _tenant_table(name: str) -> None:
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {APP_ROLE}")
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {name} "
        f"USING (customer_id = {TENANT_KEY}) WITH CHECK (customer_id = {TENANT_KEY})"
    )


def _create_rollups() -> None:
    for name, (keys, key_sql, where, measures) in ROLLUPS.items():
        op.create_table(
            name,
            sa.Column("customer_id", sa.Uuid(), nullable=False),
            *[sa.Column(k, KEY_TYPES[k](), nullable=False) for k in keys],
            *[sa.Column(m, _type(kind), nullable=False) for m, kind, _ in measures],
            # no FK to customers: derived from claims, which have none (0.8 s per 1M lines)
            sa.PrimaryKeyConstraint("customer_id", *keys, name=f"pk_{name}"),
        )
        _tenant_table(name)
        columns = ", ".join(("customer_id", *keys, *(m for m, _, _ in measures)))
        values = ", ".join(expr for _, _, expr in measures)
        op.execute(
            f"INSERT INTO {name} ({columns}) SELECT customer_id, {key_sql}, {values} "
            f"FROM claims WHERE {where} GROUP BY customer_id, {', '.join(keys)}"
        )


def upgrade() -> None:
    # Lines
    for table in ("claims", "claim_versions"):
        op.add_column(table, sa.Column("line_number", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("service_date", sa.Date(), nullable=True))
        op.alter_column(table, "submitted_date", nullable=True)
    op.create_check_constraint(
        op.f("ck_claims_lag_start_known"), "claims", "submitted_date IS NOT NULL OR service_date IS NOT NULL"
    )
    op.drop_constraint("uq_claims_customer_claim_key", "claims", type_="unique")
    op.alter_column("claims", "claim_key", new_column_name="line_key")
    op.execute('ALTER TABLE claims ALTER COLUMN line_key TYPE text COLLATE "C"')
    op.execute(
        f"UPDATE claims SET line_key = CASE WHEN line_key LIKE 'id:%' "
        f"THEN 'c:' || claim_id || {SEP} || 'p' || cpt || {SEP} || coalesce(cpt_modifiers, '')"
        f" || {SEP} || '000001' ELSE 'h:' || substr(line_key, 5) END"
    )
    op.create_unique_constraint("uq_claims_customer_line_key", "claims", ["customer_id", "line_key"])
    # Append-only uploads instead of a per-row foreign key
    op.drop_constraint("fk_claims_upload_id_uploads", "claims", type_="foreignkey")
    op.execute("""
        CREATE FUNCTION refuse_loaded_upload_delete() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.status IN ('loaded', 'partial') THEN
            RAISE EXCEPTION 'upload % loaded lines and cannot be deleted', OLD.id
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN OLD;
        END $$""")
    op.execute(
        "CREATE TRIGGER uploads_append_only BEFORE DELETE ON uploads "
        "FOR EACH ROW EXECUTE FUNCTION refuse_loaded_upload_delete()"
    )
    op.execute(f"REVOKE DELETE ON uploads FROM {APP_ROLE}")
    # Rollups instead of covering indexes on the lines
    op.drop_index("ix_claims_signals_paid", table_name="claims")
    op.drop_index("ix_claims_signals_decided", table_name="claims")
    op.drop_table("claim_rollup_state")
    op.drop_table("claim_rollups")
    _create_rollups()


def downgrade() -> None:
    for name in reversed(list(ROLLUPS)):
        op.drop_table(name)
    op.create_table(
        "claim_rollups",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        *[sa.Column(n, sa.Integer(), nullable=False) for n in ("n_paid", "n_denied", "n_other")],
        *[sa.Column(n, MONEY, nullable=False) for n in ("billed", "allowed", "paid", "denied_billed")],
        sa.Column("decision_days", sa.BigInteger(), nullable=False),
        sa.Column("n_decided", sa.Integer(), nullable=False),
        sa.Column("payment_days", sa.BigInteger(), nullable=False),
        sa.Column("n_payment", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_claim_rollups_customer_id_customers", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("customer_id", "day", "payer", name="pk_claim_rollups"),
    )
    _tenant_table("claim_rollups")
    op.create_table(  # empty: the earlier code rebuilds its rollup when the watermark differs
        "claim_rollup_state",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("watermark", sa.Text(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_claim_rollup_state_customer_id_customers",
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("customer_id", name="pk_claim_rollup_state"),
    )
    _tenant_table("claim_rollup_state")
    op.create_index("ix_claims_signals_decided", "claims", ["customer_id", "decided_date"],
                    postgresql_include=SIGNAL_DECIDED_INCLUDE)
    op.create_index("ix_claims_signals_paid", "claims", ["customer_id", "payment_date"],
                    postgresql_include=["payer", "submitted_date", "paid_amount", "allowed_amount"],
                    postgresql_where=sa.text("outcome = 'PAID'"))
    op.execute(f"GRANT DELETE ON uploads TO {APP_ROLE}")
    op.execute("DROP TRIGGER uploads_append_only ON uploads")
    op.execute("DROP FUNCTION refuse_loaded_upload_delete()")
    op.create_foreign_key("fk_claims_upload_id_uploads", "claims", "uploads", ["upload_id"], ["id"],
                          ondelete="RESTRICT")
    # One claim per claim id again: its first line keeps the claim identity; further lines keep
    # a key of their own, so no line is lost.
    op.drop_constraint("uq_claims_customer_line_key", "claims", type_="unique")
    op.execute("UPDATE claims SET line_key = 'row:' || substr(line_key, 3) WHERE line_key LIKE 'h:%'")
    op.execute("""
        UPDATE claims c
        SET line_key = CASE WHEN c.id = f.first_id THEN 'id:' || c.claim_id
                            ELSE 'v2:' || c.line_key END
        FROM (SELECT customer_id, claim_id, min(id) AS first_id FROM claims
              WHERE line_key LIKE 'c:%' GROUP BY 1, 2) f
        WHERE c.customer_id = f.customer_id AND c.claim_id = f.claim_id
          AND c.line_key LIKE 'c:%'""")
    op.execute('ALTER TABLE claims ALTER COLUMN line_key TYPE text COLLATE "default"')
    op.alter_column("claims", "line_key", new_column_name="claim_key")
    op.create_unique_constraint("uq_claims_customer_claim_key", "claims",
                                ["customer_id", "claim_key"])
    op.drop_constraint(op.f("ck_claims_lag_start_known"), "claims", type_="check")
    for table in ("claims", "claim_versions"):
        op.execute(f"UPDATE {table} SET submitted_date = service_date WHERE submitted_date IS NULL")
        op.alter_column(table, "submitted_date", nullable=False)
        op.drop_column(table, "service_date")
        op.drop_column(table, "line_number")
