"""Customers, users and authentication state."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from common.db.schema.base import created_at, customer_fk, metadata, tenant, uuid_pk

ROLES = ("owner", "admin", "analyst", "viewer")

customers = Table(
    "customers",
    metadata,
    uuid_pk(),
    Column("slug", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("settings", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    created_at(),
    CheckConstraint("slug ~ '^[a-z0-9-]{2,40}$'", name="slug_format"),
)

users = tenant(
    Table(
        "users",
        metadata,
        uuid_pk(),
        customer_fk(),
        Column("email", Text, nullable=False, unique=True),
        Column("password_hash", Text, nullable=False),
        Column("role", Text, nullable=False),
        Column("active", Boolean, nullable=False, server_default=text("true")),
        created_at(),
        CheckConstraint(f"role IN {ROLES}", name="role_known"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )
)

refresh_tokens = tenant(
    Table(
        "refresh_tokens",
        metadata,
        Column("jti", Uuid, primary_key=True),
        customer_fk(),
        Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        Column("family_id", Uuid, nullable=False, index=True),
        Column("issued_at", DateTime(timezone=True), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        Column("used_at", DateTime(timezone=True)),
        Column("revoked_at", DateTime(timezone=True)),
    )
)

revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("jti", Uuid, primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    created_at(),
)

auth_throttle = Table(
    "auth_throttle",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("throttle_key", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("ix_auth_throttle_key_at", "throttle_key", "failed_at"),
)

rate_events = tenant(
    Table(
        "rate_events",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        customer_fk(),
        Column("action", Text, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Index("ix_rate_events_customer_action_at", "customer_id", "action", "at"),
    )
)
