"""Settings (admin and up): alert rules, webhooks, payer aliases, CPT overrides, column
mappings and users — each a list with a create form, an edit form and a delete button.

Every write calls the API's handler for the same resource with the API's own body model; a
refusal from the service (a duplicate, the default rule, a role above the caller's) is shown
on the form with the status the API would answer.
"""

from __future__ import annotations

from common.web.errors import not_found
from common.web.models.config import ConfigQuery
from common.web.parsing import translate
from common.web.portal.forms import FormInvalid, body_model, checkbox, query_model
from common.web.portal.render import Visit
from common.web.portal.settings_forms import KINDS, Kind, kind, rule_channels, rule_form_values


def _kind(slug: str) -> Kind:
    found = kind(slug)
    if found is None:
        raise not_found("settings page")
    return found


def settings_index(v: Visit):
    """The settings overview: one link per kind."""
    return v.page("settings.html", kinds=KINDS.values())


def settings_list(v: Visit, kind: str, *, created=None, errors=None, values=None, status=200):
    """One kind's rows (oldest first) and the form that adds one."""
    k = _kind(kind)
    query, _ = query_model(v.ctx.request, ConfigQuery, drop=("saved",))
    route = k.route("GET")
    listing = route.response.model_validate(route.handler(v.ctx, query=query))
    defaults = {"enabled": True, "webhooks": True, "email_to": "owners"}
    return v.page(
        "settings_list.html",
        status=status,
        k=k,
        listing=listing,
        created=created,
        errors=errors or {},
        values=values if values is not None else defaults,
        saved=v.ctx.request.args.get("saved"),
    )


def _values(k: Kind, form, creating: bool) -> tuple[dict, dict]:
    """(what the model gets, what the form shows again). Blank means "not set" on create and
    "clear it" on edit, for the fields that may be cleared."""
    fields, shown = {}, {}
    for i in k.inputs:
        if not (i.on_create if creating else i.on_edit):
            continue
        if i.kind == "checkbox":
            fields[i.name] = shown[i.name] = checkbox(form, i.name)
            continue
        raw = (form.get(i.name) or "").strip()
        if i.kind != "password":
            shown[i.name] = raw
        if raw:
            fields[i.name] = raw
        elif not creating and not i.required:
            fields[i.name] = None
    if k.slug == "alert-rules":
        fields["channels"] = rule_channels(fields)
    return fields, shown


def _write(v: Visit, k: Kind, method: str, fields: dict, **params):
    """Call the API handler; FormInvalid (with the API's status) when the service refuses."""
    route = k.route(method, item=bool(params))
    try:
        body = body_model(route.body, fields)
        return route.handler(v.ctx, body=body, **params)
    except FormInvalid:
        raise
    except Exception as exc:
        error = translate(exc)
        if error is None:
            raise
        raise FormInvalid({"form": error.message}, error.status) from None


def settings_create(v: Visit, kind: str):
    """Add one; a webhook's signing secret is shown on the page this once."""
    k = _kind(kind)
    fields, shown = _values(k, v.ctx.request.form, creating=True)
    try:
        created = _write(v, k, "POST", fields)
    except FormInvalid as exc:
        return settings_list(v, kind, errors=exc.messages, values=shown, status=exc.status)
    if k.slug == "webhooks":
        return settings_list(v, kind, created=created)
    return v.redirect(f"/settings/{kind}", saved="created")


def _item(v: Visit, k: Kind, id: str):
    route = k.route("GET", item=True)
    return route.response.model_validate(route.handler(v.ctx, id=id))


def settings_edit(v: Visit, kind: str, id: str, *, errors=None, values=None, status=200):
    """The edit form of one row, with its delete button."""
    k = _kind(kind)
    item = _item(v, k, id)
    if values is None:
        values = rule_form_values(item) if k.slug == "alert-rules" else item.model_dump()
    return v.page(
        "settings_edit.html", status=status, k=k, item=item, errors=errors or {}, values=values
    )


def settings_update(v: Visit, kind: str, id: str):
    """Change one row (every field of the form is sent)."""
    k = _kind(kind)
    fields, shown = _values(k, v.ctx.request.form, creating=False)
    try:
        _write(v, k, "PATCH", fields, id=id)
    except FormInvalid as exc:
        return settings_edit(v, kind, id, errors=exc.messages, values=shown, status=exc.status)
    return v.redirect(f"/settings/{kind}", saved="updated")


def settings_delete(v: Visit, kind: str, id: str):
    """Delete one row."""
    k = _kind(kind)
    route = k.route("DELETE", item=True)
    try:
        route.handler(v.ctx, id=id)
    except Exception as exc:
        error = translate(exc)
        if error is None or error.status == 404:
            raise
        return settings_edit(v, kind, id, errors={"form": error.message}, status=error.status)
    return v.redirect(f"/settings/{kind}", saved="deleted")
