"""Per-day claim rollups: the API's dashboard and payer summary read these, not raw claims.

A customer's rollup is rebuilt from `claims` when its uploads watermark moves (see
`common/services/queries/rollups.py`); every instance shares it because it lives in Postgres.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
)

from common.db.schema.base import metadata, tenant

# Sums of up to millions of numeric(12,2) amounts need more digits than one claim.
MoneySum = Numeric(16, 2)

claim_rollups = tenant(
    Table(
        "claim_rollups",
        metadata,
        # no separate customer_id index: the primary key leads with it
        Column(
            "customer_id", Uuid, ForeignKey("customers.id", ondelete="RESTRICT"), nullable=False
        ),
        # decided_date; pending claims (no decision yet) count on their submission date
        Column("day", Date, nullable=False),
        Column("payer", Text, nullable=False),
        Column("n_paid", Integer, nullable=False),
        Column("n_denied", Integer, nullable=False),
        Column("n_other", Integer, nullable=False),
        Column("billed", MoneySum, nullable=False),
        Column("allowed", MoneySum, nullable=False),
        Column("paid", MoneySum, nullable=False),
        Column("denied_billed", MoneySum, nullable=False),
        Column("decision_days", BigInteger, nullable=False),
        Column("n_decided", Integer, nullable=False),
        Column("payment_days", BigInteger, nullable=False),
        Column("n_payment", Integer, nullable=False),
        # revision 0007: one row per (day, payer); nothing the API shows needs cpt_group
        PrimaryKeyConstraint("customer_id", "day", "payer", name="pk_claim_rollups"),
    )
)

claim_rollup_state = tenant(
    Table(
        "claim_rollup_state",
        metadata,
        Column(
            "customer_id",
            Uuid,
            ForeignKey("customers.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        Column("watermark", Text, nullable=False),
        Column("refreshed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
)
