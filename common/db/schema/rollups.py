"""Claim rollups: what the signal products, the dashboard and the weekly report read.

Maintained set-based inside every batch merge of an upload (a new line adds; an updated line
subtracts its previous version and adds the new one), under the customer's ingest lock, so
signals cost O(payers × groups × days) whatever the number of lines (DESIGN §4). The lag of a
line is measured from submitted_date, else from service_date (SPEC 2.2 †); `n_lag_service`
counts the lines measured from the date of service. `upstream rollups verify` recomputes them.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
)

from common.db.schema.base import metadata, tenant

# Sums of up to millions of numeric(12,2) amounts need more digits than one line.
MoneySum = Numeric(16, 2)


def _customer() -> Column:
    # Derived from claims, which carry no foreign key either: a per-row check cost 0.8 s of
    # the 5 s that one million lines took to reach the groups rollup. No separate customer_id
    # index: every primary key leads with it. RLS WITH CHECK still pins rows to the tenant.
    return Column("customer_id", Uuid, nullable=False)


def _counts(*names: str) -> list[Column]:
    return [Column(name, Integer, nullable=False) for name in names]


def _sums(kind, *names: str) -> list[Column]:
    return [Column(name, kind, nullable=False) for name in names]


# Per (payer, day): day is decided_date, else the lag start while pending. The API's dashboard
# and payer summary, DenialScope's payer totals, DelayGuard's decided-date basis, the report.
claim_rollups = tenant(
    Table(
        "claim_rollups",
        metadata,
        _customer(),
        Column("day", Date, nullable=False),
        Column("payer", Text, nullable=False),
        *_counts("n_paid", "n_denied", "n_other", "n_decided", "n_payment", "n_lag_service"),
        *_sums(MoneySum, "billed", "allowed", "paid", "denied_billed", "denied_charge"),
        *_sums(BigInteger, "decision_days", "payment_days"),
        # PAID lines on decided_date: DelayGuard's basis when payment dates are missing
        *_counts("n_paid_undated"),
        *_sums(BigInteger, "paid_lag_days", "paid_lag_days_sq", "paid_undated_lag_days"),
        *_sums(MoneySum, "paid_cash"),
        PrimaryKeyConstraint("customer_id", "day", "payer", name="pk_claim_rollups"),
    )
)

# PAID + DENIED lines per (payer, cpt_group, decided_date, decision lag): DriftWatch's rates
# and decision-time medians.
claim_rollups_groups = tenant(
    Table(
        "claim_rollups_groups",
        metadata,
        _customer(),
        Column("payer", Text, nullable=False),
        Column("cpt_group", Text, nullable=False),
        Column("day", Date, nullable=False),
        Column("lag_days", Integer, nullable=False),
        *_counts("n", "n_denied", "n_lag_service"),
        *_sums(MoneySum, "charge"),
        PrimaryKeyConstraint(
            "customer_id", "payer", "day", "cpt_group", "lag_days", name="pk_claim_rollups_groups"
        ),
    )
)

# DENIED lines per (payer, decided_date, reason): DenialScope's reasons.
claim_rollups_reasons = tenant(
    Table(
        "claim_rollups_reasons",
        metadata,
        _customer(),
        Column("payer", Text, nullable=False),
        Column("day", Date, nullable=False),
        Column("reason", Text, nullable=False),
        *_counts("n"),
        *_sums(MoneySum, "charge"),
        PrimaryKeyConstraint(
            "customer_id", "payer", "day", "reason", name="pk_claim_rollups_reasons"
        ),
    )
)

# PAID lines with a payment date per (payer, payment_date): DelayGuard and the report's trend.
claim_rollups_payments = tenant(
    Table(
        "claim_rollups_payments",
        metadata,
        _customer(),
        Column("payer", Text, nullable=False),
        Column("day", Date, nullable=False),
        *_counts("n", "n_lag_service"),
        *_sums(BigInteger, "lag_days", "lag_days_sq"),
        *_sums(MoneySum, "cash"),
        PrimaryKeyConstraint("customer_id", "payer", "day", name="pk_claim_rollups_payments"),
    )
)

# PAID lines per (payer, decided_date, days from decision to payment; -1 while unpaid):
# DelayGuard's payment_aging, which sees a slowdown before the late money lands.
claim_rollups_aging = tenant(
    Table(
        "claim_rollups_aging",
        metadata,
        _customer(),
        Column("payer", Text, nullable=False),
        Column("day", Date, nullable=False),
        Column("pay_lag", Integer, nullable=False),
        *_counts("n"),
        *_sums(MoneySum, "cash"),
        PrimaryKeyConstraint(
            "customer_id", "payer", "day", "pay_lag", name="pk_claim_rollups_aging"
        ),
    )
)

ROLLUP_TABLES = (
    claim_rollups,
    claim_rollups_groups,
    claim_rollups_reasons,
    claim_rollups_payments,
    claim_rollups_aging,
)
