"""Uploads, their rejections, claims with history, and per-customer mappings."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from common.db.schema.base import Money, created_at, customer_fk, metadata, tenant, uuid_pk
from common.domain.columns import ALIASES

UPLOAD_STATES = (
    "received",
    "processing",
    "loaded",
    "partial",
    "rejected",
    "duplicate",
    "quarantined",
    "failed",
)
OUTCOMES = ("PAID", "DENIED", "OTHER")

uploads = tenant(
    Table(
        "uploads",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("object_name", Text, nullable=False),
        Column("generation", Text, nullable=False),
        Column("sha256", Text),
        Column("size_bytes", BigInteger),
        Column("status", Text, nullable=False),
        Column("encoding", Text),
        Column("delimiter", Text),
        Column("rows_total", Integer, nullable=False, server_default="0"),
        Column("rows_accepted", Integer, nullable=False, server_default="0"),
        Column("rows_rejected", Integer, nullable=False, server_default="0"),
        Column("rows_warning", Integer, nullable=False, server_default="0"),
        Column("date_min", Date),
        Column("date_max", Date),
        Column("report", JSONB),
        Column("error", Text),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("completed_at", DateTime(timezone=True)),
        UniqueConstraint("object_name", "generation", name="uq_uploads_object_generation"),
        CheckConstraint(f"status IN {UPLOAD_STATES}", name="status_known"),
        Index("ix_uploads_customer_sha256", "customer_id", "sha256"),
    )
)

# An object whose slug names no customer: kept out of every tenant's tables.
quarantined_objects = Table(
    "quarantined_objects",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("object_name", Text, nullable=False),
    Column("generation", Text, nullable=False),
    Column("quarantine_name", Text, nullable=False),
    Column("reason", Text, nullable=False),
    created_at(),
    UniqueConstraint("object_name", "generation", name="uq_quarantined_objects_object_generation"),
)

upload_rejections = tenant(
    Table(
        "upload_rejections",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        customer_fk(),
        Column(
            "upload_id",
            Uuid,
            ForeignKey("uploads.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("row_number", Integer, nullable=False),
        Column("column_name", Text),
        Column("rule", Text, nullable=False),
        Column("severity", Text, nullable=False, server_default="error"),
    )
)

_claim_value_columns = (
    ("claim_id", Text),
    ("line_number", Integer),
    ("payer", Text),
    ("cpt", Text),
    ("cpt_modifiers", Text),
    ("cpt_group", Text),
    ("service_date", Date),
    ("submitted_date", Date),
    ("decided_date", Date),
    ("payment_date", Date),
    ("outcome", Text),
    ("billed_amount", Money),
    ("allowed_amount", Money),
    ("paid_amount", Money),
    ("denial_reason_code", Text),
    ("denial_reason_text", Text),
)
# submitted_date may be empty when service_date stands in for it (SPEC 2.2 †); cpt is empty
# only on an 835 claim-level line, which has no SVC (SPEC 2.7), and then its group is OTHER.
_REQUIRED = {"payer", "cpt_group", "outcome"}


def _value_columns():
    return [Column(n, t, nullable=n not in _REQUIRED) for n, t in _claim_value_columns]


# A row is one claim service line (SPEC 2.2). No foreign key to uploads: loaded uploads are
# append-only (a trigger refuses their deletion, revision 0009), which keeps upload_id valid
# without a per-row check (2.8 s of 12 s per million inserted lines). The signal products read
# the rollups (schema/rollups.py), so the lines carry only the indexes identity and the API use.
claims = tenant(
    Table(
        "claims",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        customer_fk(constrained=False),
        Column("upload_id", Uuid, nullable=False),
        # Byte order ("C"): a claim's lines share a key prefix, so one index range finds them.
        Column("line_key", Text(collation="C"), nullable=False),
        *_value_columns(),
        created_at(),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        UniqueConstraint("customer_id", "line_key", name="uq_claims_customer_line_key"),
        CheckConstraint(f"outcome IN {OUTCOMES}", name="outcome_known"),
        CheckConstraint(
            "submitted_date IS NOT NULL OR service_date IS NOT NULL", name="lag_start_known"
        ),
        CheckConstraint("cpt IS NOT NULL OR cpt_group = 'OTHER'", name="cpt_known"),
        # API cursor pagination (newest first) within one tenant (revision 0005)
        Index("ix_claims_customer_id_pk", "customer_id", "id"),
    )
)

claim_versions = tenant(
    Table(
        "claim_versions",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        customer_fk(),
        Column(
            "claim_pk",
            BigInteger,
            ForeignKey("claims.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        ),
        Column("upload_id", Uuid, ForeignKey("uploads.id", ondelete="RESTRICT"), nullable=False),
        *_value_columns(),
        Column("superseded_by_upload_id", Uuid, nullable=False),
        Column("superseded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
)

payer_aliases = tenant(
    Table(
        "payer_aliases",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("raw_name", Text, nullable=False),
        # lower(collapsed raw_name): matching is case-insensitive (SPEC 2.3)
        Column("raw_key", Text, nullable=False),
        Column("canonical_name", Text, nullable=False),
        created_at(),
        UniqueConstraint("customer_id", "raw_key", name="uq_payer_aliases_customer_raw_key"),
    )
)

cpt_overrides = tenant(
    Table(
        "cpt_overrides",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("cpt", Text, nullable=False),
        Column("cpt_group", Text, nullable=False),
        created_at(),
        UniqueConstraint("customer_id", "cpt", name="uq_cpt_overrides_customer_cpt"),
    )
)

column_mappings = tenant(
    Table(
        "column_mappings",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("header", Text, nullable=False),  # as the customer typed it, trimmed
        # normalise_header(header): how a file's header cell is matched (SPEC 2.2)
        Column("header_key", Text, nullable=False),
        Column("field", Text, nullable=False),
        created_at(),
        UniqueConstraint(
            "customer_id", "header_key", name="uq_column_mappings_customer_header_key"
        ),
        CheckConstraint(f"field IN {tuple(ALIASES)}", name="field_known"),
    )
)
