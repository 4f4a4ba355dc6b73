"""835 remittances (SPEC 2.7): adjustments per service line, payments and PLB per remittance."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    Table,
    Text,
    Uuid,
)

from common.db.schema.base import Money, created_at, customer_fk, metadata, tenant, uuid_pk

# Every CAS adjustment of a line version: the version is (line_key, upload_id), the upload
# that wrote the line's current content (claims.upload_id) or a superseded one (claim_versions).
line_adjustments = tenant(
    Table(
        "line_adjustments",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        customer_fk(constrained=False),
        Column("upload_id", Uuid, nullable=False),
        Column("line_key", Text(collation="C"), nullable=False),
        Column("position", SmallInteger, nullable=False),
        Column("group_code", Text, nullable=False),
        Column("reason_code", Text, nullable=False),
        Column("amount", Money, nullable=False),
        Column("family", Text, nullable=False),
        Index("ix_line_adjustments_customer_line", "customer_id", "line_key", "upload_id"),
    )
)

remittances = tenant(
    Table(
        "remittances",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column(
            "upload_id",
            Uuid,
            ForeignKey("uploads.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        ),
        Column("segment", Integer, nullable=False),
        Column("control_number", Text),
        Column("payer", Text),
        Column("trace_number", Text),
        Column("payment_method", Text),
        Column("payment_amount", Money),
        Column("payment_date", Date),
        Column("production_date", Date),
        Column("claims", Integer, nullable=False),
        Column("lines", Integer, nullable=False),
        Column("claims_paid", Numeric(14, 2), nullable=False),
        Column("provider_adjustments_total", Numeric(14, 2), nullable=False),
        # BPR02 = the claims' payments less the PLB adjustments, to the cent
        Column("balanced", Boolean, nullable=False),
        created_at(),
    )
)

provider_adjustments = tenant(
    Table(
        "provider_adjustments",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        customer_fk(),
        Column(
            "remittance_id",
            Uuid,
            ForeignKey("remittances.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("reason", Text, nullable=False),
        Column("reference", Text),
        Column("amount", Money, nullable=False),
        Column("fiscal_period", Date),
    )
)
