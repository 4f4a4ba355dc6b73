"""Per-customer payer aliases, CPT overrides (SPEC 2.3) and column mappings (SPEC 2.2):
create, change, delete; audited.

They apply to uploads loaded after the change; claims already loaded keep their values.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from common.db.schema import column_mappings, cpt_overrides, payer_aliases
from common.db.uow import UnitOfWork
from common.domain.columns import ALIASES, is_phi_column, normalise_header
from common.services.audit_trail import record


class MappingConflict(ValueError):
    """The alias raw name, the override code or the column header is already mapped (HTTP 409)."""


class MappingNotFound(LookupError):
    """No such alias/override/column mapping for this customer (HTTP 404)."""


class MappingInvalid(ValueError):
    """A value the mapping cannot take, e.g. an unknown canonical field (HTTP 422)."""

    def __init__(self, message: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.details = details


HEADER_MAX = 200


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


def _column_values(fields: dict) -> dict:
    """header (trimmed) and its match key; field checked against the canonical fields."""
    values = {}
    if fields.get("header") is not None:
        header = fields["header"].replace("\ufeff", "").strip()
        if any(unicodedata.category(c) == "Cc" for c in header):
            raise MappingInvalid("header must not contain control characters")
        if not normalise_header(header):
            raise MappingInvalid("header must contain a letter or digit")
        if len(header) > HEADER_MAX:
            raise MappingInvalid(f"header must be at most {HEADER_MAX} characters")
        if is_phi_column(header):  # SPEC 2.4: such columns are never loaded, mapped or not
            raise MappingInvalid("header is named like a patient identifier and is never loaded")
        values["header"] = header
        values["header_key"] = normalise_header(header)
    if fields.get("field") is not None:
        if fields["field"] not in ALIASES:
            valid = list(ALIASES)
            raise MappingInvalid(
                f"unknown field {fields['field']!r}; valid fields: {', '.join(valid)}",
                {"valid_fields": valid},
            )
        values["field"] = fields["field"]
    return values


KINDS = {
    "payer_alias": (payer_aliases, _alias_values, "a payer alias for this raw name exists"),
    "cpt_override": (cpt_overrides, _override_values, "an override for this code exists"),
    "column_mapping": (column_mappings, _column_values, "a column mapping for this header exists"),
}


def create_mapping(uow: UnitOfWork, kind: str, customer_id: str, fields: dict, actor: str):
    """Insert an alias, override or column mapping; MappingConflict when its key is taken."""
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
    """Change an alias, override or column mapping; MappingNotFound / MappingConflict."""
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
    """Delete an alias, override or column mapping; MappingNotFound when missing."""
    table, _clean, _taken = KINDS[kind]
    with uow.transaction(customer_id) as conn:
        gone = conn.execute(
            delete(table).where(table.c.customer_id == customer_id, table.c.id == row_id)
        ).rowcount
        if not gone:
            raise MappingNotFound(kind)
        record(conn, customer_id, actor, f"{kind}.deleted", kind, row_id)


def _shown(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in ("raw_key", "header_key")}


def set_column_mapping(uow: UnitOfWork, customer_id: str, header: str, field: str, actor: str):
    """Map `header` to `field`: a new mapping, or a change to the one with the same header key.

    Returns (row, created).
    """
    values = _column_values({"header": header, "field": field})
    table = column_mappings
    key = (table.c.customer_id == customer_id, table.c.header_key == values["header_key"])
    try:
        with uow.transaction(customer_id) as conn:
            existing = conn.execute(select(table.c.id).where(*key).with_for_update()).scalar()
            if existing is None:
                statement = insert(table).values(customer_id=customer_id, **values)
                action = "column_mapping.created"
            else:
                statement = update(table).where(table.c.id == existing).values(**values)
                action = "column_mapping.updated"
            row = conn.execute(statement.returning(table)).mappings().one()
            record(conn, customer_id, actor, action, "column_mapping", row["id"], _shown(values))
    except IntegrityError:  # a concurrent set inserted the same header a moment ago
        raise MappingConflict(KINDS["column_mapping"][2]) from None
    return dict(row), action.endswith("created")


def delete_column_mapping(uow: UnitOfWork, customer_id: str, header: str, actor: str) -> dict:
    """Delete the mapping whose header key matches `header`; MappingNotFound when none."""
    table = column_mappings
    key = (table.c.customer_id == customer_id, table.c.header_key == normalise_header(header))
    with uow.transaction(customer_id) as conn:
        row = conn.execute(delete(table).where(*key).returning(table)).mappings().first()
        if row is None:
            raise MappingNotFound("column_mapping")
        record(conn, customer_id, actor, "column_mapping.deleted", "column_mapping", row["id"])
    return dict(row)
