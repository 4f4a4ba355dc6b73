"""Alert rules, webhook endpoints, payer aliases, CPT overrides, column mappings (read: viewer;
write: admin)."""

from __future__ import annotations

from common.services import alerts, mappings
from common.services.queries.settings_reads import get_setting, list_settings
from common.web.errors import not_found
from common.web.pagination import page, time_keyset


def _created_key(row: dict) -> list:
    return [row["created_at"].isoformat(), str(row["id"])]


def lister(kind: str):
    def handler(ctx, query):
        after = time_keyset(kind, query.cursor)
        with ctx.tx() as conn:
            rows = list_settings(conn, kind, ctx.customer_id, query.limit + 1, after)
        return page(rows, query.limit, kind, _created_key)

    handler.__name__ = f"list_{kind}"
    handler.__doc__ = f"List {kind.replace('_', ' ')}, oldest first."
    return handler


def getter(kind: str, label: str, name: str):
    def handler(ctx, id):
        with ctx.tx() as conn:
            row = get_setting(conn, kind, ctx.customer_id, id)
        if row is None:
            raise not_found(label)
        return row

    handler.__name__ = f"get_{name}"
    handler.__doc__ = f"One {label}."
    return handler


list_alert_rules = lister("alert_rules")
get_alert_rule = getter("alert_rules", "alert rule", "alert_rule")
list_webhooks = lister("webhooks")
get_webhook = getter("webhooks", "webhook endpoint", "webhook")
list_payer_aliases = lister("payer_aliases")
get_payer_alias = getter("payer_aliases", "payer alias", "payer_alias")
list_cpt_overrides = lister("cpt_overrides")
get_cpt_override = getter("cpt_overrides", "CPT override", "cpt_override")
list_column_mappings = lister("column_mappings")
get_column_mapping = getter("column_mappings", "column mapping", "column_mapping")


def create_alert_rule(ctx, body):
    """Create an alert rule."""
    fields = body.model_dump(mode="json", exclude_unset=True)
    return alerts.create_rule(ctx.app.uow, ctx.customer_id, fields, ctx.principal.actor)


def update_alert_rule(ctx, id, body):
    """Change an alert rule (only the fields sent)."""
    fields = body.model_dump(mode="json", exclude_unset=True)
    return alerts.update_rule(ctx.app.uow, ctx.customer_id, id, fields, ctx.principal.actor)


def delete_alert_rule(ctx, id):
    """Delete an alert rule (the default rule can only be disabled)."""
    alerts.delete_rule(ctx.app.uow, ctx.customer_id, id, ctx.principal.actor)


def create_webhook(ctx, body):
    """Create a webhook endpoint; the signing secret is in this response only."""
    endpoint, secret = alerts.create_webhook_endpoint(
        ctx.app.uow,
        ctx.customer_id,
        body.url,
        body.description,
        ctx.app.secret_box,
        ctx.app.webhook_local_mode,
        actor=ctx.principal.actor,
    )
    return endpoint | {"secret": secret}


def update_webhook(ctx, id, body):
    """Change a webhook endpoint's url, description or active flag."""
    changes = body.model_dump(exclude_unset=True)
    return alerts.update_webhook_endpoint(
        ctx.app.uow,
        ctx.customer_id,
        id,
        changes,
        ctx.app.webhook_local_mode,
        actor=ctx.principal.actor,
    )


def delete_webhook(ctx, id):
    """Delete a webhook endpoint."""
    alerts.delete_webhook_endpoint(ctx.app.uow, ctx.customer_id, id, ctx.principal.actor)


def _mapping_handlers(kind: str):
    def create(ctx, body):
        fields = body.model_dump(exclude_unset=True)
        return mappings.create_mapping(
            ctx.app.uow, kind, ctx.customer_id, fields, ctx.principal.actor
        )

    def update(ctx, id, body):
        fields = body.model_dump(exclude_unset=True)
        return mappings.update_mapping(
            ctx.app.uow, kind, ctx.customer_id, id, fields, ctx.principal.actor
        )

    def remove(ctx, id):
        mappings.delete_mapping(ctx.app.uow, kind, ctx.customer_id, id, ctx.principal.actor)

    label = kind.replace("_", " ")
    for fn, verb in ((create, "create"), (update, "update"), (remove, "delete")):
        fn.__name__ = f"{verb}_{kind}"
        fn.__doc__ = f"{verb.capitalize()} a {label}."
    return create, update, remove


create_payer_alias, update_payer_alias, delete_payer_alias = _mapping_handlers("payer_alias")
create_cpt_override, update_cpt_override, delete_cpt_override = _mapping_handlers("cpt_override")
create_column_mapping, update_column_mapping, delete_column_mapping = _mapping_handlers(
    "column_mapping"
)
