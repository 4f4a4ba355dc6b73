"""Per-customer payer aliases and CPT overrides (SPEC 2.3): create, change, delete; audited.

They apply to uploads loaded after the change; claims already loaded keep their values.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from common.db.schema import cpt_overrides, payer_aliases
from common.db.uow import UnitOfWork
from common.services.audit_trail import record


class MappingConflict(ValueError):
    """The alias raw name or the override code is already mapped (HTTP 409)."""


class MappingNotFound(LookupError):
    """No such alias/override for this customer (HTTP 404)."""


def payer_key(raw_name: str) -> str:
    """How ingestion matches raw payer names: trimmed, inner whitespace collapsed, lower-case."""
    return " ".join(raw_name.split()).lower()


def _alias_values(fields: dict) -> dict:
    values = {}
    if fields.get("raw_name") is not None:
        values["raw_name"] = " ".join(fields["raw_name"].split())
        values["raw_key"] = payer_key(fields["raw_name"])
    if fields.get("canonical_name") is not None:
        values["canonical_name"] = " ".join(fields["canonical_name"].split())
    return values


def _override_values(fields: dict) -> dict:
    return {k: fields[k].upper() for k in ("cpt", "cpt_group") if fields.get(k) is not None}


KINDS = {
    "payer_alias": (payer_aliases, _alias_values, "a payer alias for this raw name exists"),
    "cpt_override": (cpt_overrides, _override_values, "an override for this code exists"),
}


def create_mapping(uow: UnitOfWork, kind: str, customer_id: str, fields: dict, actor: str):
    """Insert an alias or override; MappingConflict when its key is taken."""
    table, clean, taken = KINDS[kind]
    values = clean(fields)
    try:
        with uow.transaction(customer_id) as conn:
            row = (
                conn.execute(
                    insert(table).values(customer_id=customer_id, **values).returning(table)
                )
                .mappings()
                .one()
            )
            record(conn, customer_id, actor, f"{kind}.created", kind, row["id"], _shown(values))
    except IntegrityError:
        raise MappingConflict(taken) from None
    return dict(row)


def update_mapping(uow, kind: str, customer_id: str, row_id: str, fields: dict, actor: str):
    """Change an alias or override; MappingNotFound / MappingConflict."""
    table, clean, taken = KINDS[kind]
    values = clean(fields)
    try:
        with uow.transaction(customer_id) as conn:
            where = (table.c.customer_id == customer_id, table.c.id == row_id)
            if values:
                conn.execute(update(table).where(*where).values(**values))
            row = conn.execute(select(table).where(*where)).mappings().first()
            if row is None:
                raise MappingNotFound(kind)
            record(conn, customer_id, actor, f"{kind}.updated", kind, row_id, _shown(values))
    except IntegrityError:
        raise MappingConflict(taken) from None
    return dict(row)


def delete_mapping(uow: UnitOfWork, kind: str, customer_id: str, row_id: str, actor: str):
    """Delete an alias or override; MappingNotFound when missing."""
    table, _clean, _taken = KINDS[kind]
    with uow.transaction(customer_id) as conn:
        gone = conn.execute(
            delete(table).where(table.c.customer_id == customer_id, table.c.id == row_id)
        ).rowcount
        if not gone:
            raise MappingNotFound(kind)
        record(conn, customer_id, actor, f"{kind}.deleted", kind, row_id)


def _shown(values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "raw_key"}
