"""Webhook endpoint CRUD. The signing secret is returned once, at creation or rotation."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, delete, insert, select, update

from common.db.schema import webhook_endpoints
from common.db.uow import UnitOfWork
from common.services.alerts.errors import AlertConfigError, NotFound
from common.services.alerts.secrets import SecretBox, generate_secret
from common.services.alerts.url_policy import Resolver, check_webhook_url, resolve_host
from common.services.audit_trail import record

MAX_DESCRIPTION = 500
PUBLIC_COLUMNS = (
    webhook_endpoints.c.id,
    webhook_endpoints.c.url,
    webhook_endpoints.c.description,
    webhook_endpoints.c.active,
    webhook_endpoints.c.created_at,
)


def create_webhook_endpoint(
    uow: UnitOfWork,
    customer_id: str,
    url: str,
    description: str | None,
    box: SecretBox,
    local_mode: bool,
    actor: str = "api",
    resolve: Resolver = resolve_host,
) -> tuple[dict, str]:
    """(endpoint, plain secret). Show the secret to the caller now: it is stored encrypted only."""
    url = check_webhook_url(url, local_mode, resolve)
    description = _description(description)
    secret = generate_secret()
    with uow.transaction(customer_id) as conn:
        row = (
            conn.execute(
                insert(webhook_endpoints)
                .values(
                    customer_id=customer_id,
                    url=url,
                    description=description,
                    secret_encrypted=box.encrypt(secret),
                )
                .returning(*PUBLIC_COLUMNS)
            )
            .mappings()
            .one()
        )
        record(
            conn, customer_id, actor, "webhook.created", "webhook_endpoint", row["id"], {"url": url}
        )
    return endpoint_to_dict(row), secret


def list_webhook_endpoints(uow: UnitOfWork, customer_id: str) -> list[dict]:
    """Every endpoint of the customer (never the secret), oldest first."""
    with uow.transaction(customer_id) as conn:
        rows = (
            conn.execute(
                select(*PUBLIC_COLUMNS).order_by(
                    webhook_endpoints.c.created_at, webhook_endpoints.c.id
                )
            )
            .mappings()
            .all()
        )
    return [endpoint_to_dict(r) for r in rows]


def get_webhook_endpoint(uow: UnitOfWork, customer_id: str, endpoint_id: str) -> dict:
    """One endpoint; NotFound for a missing id or another customer's endpoint."""
    with uow.transaction(customer_id) as conn:
        return endpoint_to_dict(_load(conn, endpoint_id))


def update_webhook_endpoint(
    uow: UnitOfWork,
    customer_id: str,
    endpoint_id: str,
    changes: dict,
    local_mode: bool,
    actor: str = "api",
    resolve: Resolver = resolve_host,
) -> dict:
    """PATCH `url`, `description` and/or `active`; a new url passes the same policy."""
    unknown = sorted(set(changes) - {"url", "description", "active"})
    if unknown:
        raise AlertConfigError(f"unknown webhook fields: {', '.join(unknown)}")
    clean = {}
    if "url" in changes:
        clean["url"] = check_webhook_url(changes["url"], local_mode, resolve)
    if "description" in changes:
        clean["description"] = _description(changes["description"])
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise AlertConfigError("active must be true or false")
        clean["active"] = changes["active"]
    with uow.transaction(customer_id) as conn:
        _load(conn, endpoint_id)
        if clean:
            conn.execute(
                update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id).values(clean)
            )
        record(conn, customer_id, actor, "webhook.updated", "webhook_endpoint", endpoint_id, clean)
        return endpoint_to_dict(_load(conn, endpoint_id))


def rotate_webhook_secret(
    uow: UnitOfWork, customer_id: str, endpoint_id: str, box: SecretBox, actor: str = "api"
) -> tuple[dict, str]:
    """Replace the signing secret; returns (endpoint, new plain secret), shown once."""
    secret = generate_secret()
    with uow.transaction(customer_id) as conn:
        _load(conn, endpoint_id)
        conn.execute(
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id == endpoint_id)
            .values(secret_encrypted=box.encrypt(secret))
        )
        record(conn, customer_id, actor, "webhook.secret_rotated", "webhook_endpoint", endpoint_id)
        return endpoint_to_dict(_load(conn, endpoint_id)), secret


def delete_webhook_endpoint(
    uow: UnitOfWork, customer_id: str, endpoint_id: str, actor: str = "api"
) -> None:
    """Delete an endpoint with its pending deliveries; rules naming it simply skip it."""
    with uow.transaction(customer_id) as conn:
        row = _load(conn, endpoint_id)
        conn.execute(delete(webhook_endpoints).where(webhook_endpoints.c.id == row["id"]))
        record(
            conn,
            customer_id,
            actor,
            "webhook.deleted",
            "webhook_endpoint",
            endpoint_id,
            {"url": row["url"]},
        )


def endpoint_to_dict(row) -> dict:
    """An endpoint as JSON-ready data (no secret)."""
    return {
        "id": str(row["id"]),
        "url": row["url"],
        "description": row["description"],
        "active": row["active"],
        "created_at": row["created_at"].isoformat(),
    }


def _load(conn: Connection, endpoint_id: str):
    try:
        key = uuid.UUID(str(endpoint_id))
    except ValueError:
        raise NotFound("no such webhook endpoint") from None
    row = (
        conn.execute(select(*PUBLIC_COLUMNS).where(webhook_endpoints.c.id == key))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("no such webhook endpoint")
    return row


def _description(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise AlertConfigError(f"description must be text of at most {MAX_DESCRIPTION} characters")
    return value.strip()
