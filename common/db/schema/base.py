"""Shared metadata, naming convention and column helpers."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, MetaData, Numeric, Uuid, func, text

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Tables that carry customer data: row-level security keyed on `app.customer_id`.
TENANT_TABLES: list[str] = []

Money = Numeric(12, 2)


def uuid_pk() -> Column:
    """A server-generated UUID primary key."""
    return Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()"))


def customer_fk(nullable: bool = False, *, constrained: bool = True) -> Column:
    """The tenant column every customer-data row carries.

    `constrained=False` is for bulk tables (claims): no per-row foreign-key trigger and no
    single-column index (composite indexes lead with customer_id); RLS WITH CHECK still pins
    every row to the transaction's tenant.
    """
    if not constrained:
        return Column("customer_id", Uuid, nullable=nullable)
    return Column(
        "customer_id",
        Uuid,
        ForeignKey("customers.id", ondelete="RESTRICT"),
        nullable=nullable,
        index=True,
    )


def created_at() -> Column:
    """Insertion timestamp."""
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def tenant(table):
    """Register a table as customer data (RLS applies) and return it."""
    TENANT_TABLES.append(table.name)
    return table
