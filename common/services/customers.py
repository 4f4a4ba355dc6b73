"""Tenants: creation (with the default alert rule), lookup, per-customer mappings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from common.db.schema import (
    alert_rules,
    column_mappings,
    cpt_overrides,
    customers,
    payer_aliases,
)
from common.db.uow import UnitOfWork, set_tenant
from common.domain.columns import normalise_header
from common.services.audit_trail import record

SLUG_RE = re.compile(r"^[a-z0-9-]{2,40}$")
DEFAULT_RULE_MIN_SEVERITY = 0.7


class CustomerError(ValueError):
    """Bad input for a customer operation (exit code 2 / HTTP 4xx)."""


@dataclass(frozen=True)
class Customer:
    """A tenant as the services see it."""

    id: str
    slug: str
    name: str
    active: bool
    settings: dict


def create_customer(uow: UnitOfWork, slug: str, name: str | None = None) -> Customer:
    """Create a tenant with its default alert rule (severity ≥ 0.7); audited."""
    if not SLUG_RE.match(slug):
        raise CustomerError("slug must be 2-40 characters of a-z, 0-9 and '-'")
    with uow.transaction() as conn:
        if find_by_slug(conn, slug) is not None:
            raise CustomerError(f"customer {slug!r} already exists")
        row = (
            conn.execute(
                insert(customers).values(slug=slug, name=name or slug).returning(customers)
            )
            .mappings()
            .one()
        )
        customer = _to_customer(row)
        set_tenant(conn, customer.id)
        conn.execute(
            insert(alert_rules).values(
                customer_id=customer.id,
                name="Default: severity ≥ 0.7",
                min_severity=DEFAULT_RULE_MIN_SEVERITY,
                is_default=True,
                # Owners by e-mail, and every active webhook endpoint once one is added.
                channels=[{"type": "email", "to": "owners"}, {"type": "webhook"}],
            )
        )
        record(conn, customer.id, "cli", "customer.created", "customer", customer.id)
    return customer


DATE_ORDERS = ("MDY", "DMY")


def set_date_order(uow: UnitOfWork, slug: str, order: str, actor: str) -> Customer:
    """How this customer's files write `NN/NN/YYYY` when every date fits both orders (SPEC
    2.3); audited. A file whose dates show their order is read that way whatever this says."""
    if order not in DATE_ORDERS:
        raise CustomerError(f"date order must be one of {', '.join(DATE_ORDERS)}")
    customer = get_customer(uow, slug)
    with uow.transaction(customer.id) as conn:
        conn.execute(
            update(customers)
            .where(customers.c.id == customer.id)
            .values(
                settings=customers.c.settings.op("||")(func.jsonb_build_object("date_order", order))
            )
        )
        record(conn, customer.id, actor, "customer.date_order_set", "customer", customer.id)
        return find_by_id(conn, customer.id)


def find_by_slug(conn: Connection, slug: str) -> Customer | None:
    """The customer with this slug, or None."""
    row = conn.execute(select(customers).where(customers.c.slug == slug)).mappings().first()
    return _to_customer(row) if row else None


def find_by_id(conn: Connection, customer_id: str) -> Customer | None:
    """The customer with this id, or None."""
    row = conn.execute(select(customers).where(customers.c.id == customer_id)).mappings().first()
    return _to_customer(row) if row else None


def get_customer(uow: UnitOfWork, slug: str) -> Customer:
    """The customer with this slug; CustomerError when unknown."""
    with uow.transaction() as conn:
        customer = find_by_slug(conn, slug)
    if customer is None:
        raise CustomerError(f"no customer {slug!r}")
    return customer


def active_customers(conn: Connection) -> list[Customer]:
    """Every active tenant, by slug."""
    rows = (
        conn.execute(
            select(customers).where(customers.c.active.is_(True)).order_by(customers.c.slug)
        )
        .mappings()
        .all()
    )
    return [_to_customer(r) for r in rows]


def payer_alias_map(conn: Connection, customer_id: str) -> dict[str, str]:
    """raw payer key (lower-case, collapsed) → canonical payer name."""
    rows = conn.execute(
        select(payer_aliases.c.raw_key, payer_aliases.c.canonical_name).where(
            payer_aliases.c.customer_id == customer_id
        )
    ).all()
    return {r.raw_key: r.canonical_name for r in rows}


def cpt_override_map(conn: Connection, customer_id: str) -> dict[str, str]:
    """exact CPT code → cpt_group override."""
    rows = conn.execute(
        select(cpt_overrides.c.cpt, cpt_overrides.c.cpt_group).where(
            cpt_overrides.c.customer_id == customer_id
        )
    ).all()
    return {r.cpt: r.cpt_group for r in rows}


def column_mapping_map(conn: Connection, customer_id: str) -> dict[str, str]:
    """header key (`normalise_header` of the customer's header) → canonical field.

    The customer's own spellings, applied before the built-in aliases (SPEC 2.2). The key is
    recomputed from the header as typed, so a change to the normalisation never strands a row.
    """
    rows = conn.execute(
        select(column_mappings.c.header, column_mappings.c.field).where(
            column_mappings.c.customer_id == customer_id
        )
    ).all()
    return {normalise_header(r.header): r.field for r in rows}


def _to_customer(row) -> Customer:
    return Customer(
        id=str(row["id"]),
        slug=row["slug"],
        name=row["name"],
        active=row["active"],
        settings=dict(row["settings"] or {}),
    )
