"""What each settings page edits: its API resource, table columns and form fields.

The handlers and models come from the API's route table (web/routes.py), looked up by path,
so a setting changed here goes through the same handler, model and service as PATCH /v1/….
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from common.domain.columns import ALIASES
from common.web.routes import route_table


@dataclass(frozen=True)
class Input:
    """One form field."""

    name: str
    label: str
    kind: str = "text"  # text | number | select | checkbox | email | password | url
    options: tuple[str, ...] = ()
    hint: str = ""
    required: bool = False
    on_create: bool = True
    on_edit: bool = True
    step: str = "any"


@dataclass(frozen=True)
class Kind:
    """One settings page: /settings/<slug> over /v1/<slug>."""

    slug: str
    title: str
    intro: str
    columns: tuple[tuple[str, str], ...]  # (heading, attribute)
    inputs: tuple[Input, ...] = field(default_factory=tuple)
    deletable: bool = True

    def route(self, method: str, item: bool = False):
        """The API route for this resource and method (its handler and models)."""
        path = f"/v1/{self.slug}" + ("/{id}" if item else "")
        return next(r for r in route_table() if r.method == method and r.path == path)


PRODUCTS = ("driftwatch", "denialscope", "delayguard")
ROLES = ("viewer", "analyst", "admin", "owner")

KINDS = {
    k.slug: k
    for k in (
        Kind("alert-rules", "Alert rules",
             "Which signals send an alert, and where. Blank scope fields mean any; every "
             "condition that is set must hold.",
             (("Name", "name"), ("Product", "product"), ("Type", "signal_type"),
              ("Payer", "payer"), ("Min severity", "min_severity"),
              ("Min dollars", "min_dollars"), ("Enabled", "enabled")),
             (Input("name", "Name", required=True),
              Input("product", "Product", "select", PRODUCTS, "blank: every product"),
              Input("signal_type", "Signal type", hint="e.g. denial_rate_increase; blank: any"),
              Input("payer", "Payer", hint="blank: any payer"),
              Input("group_key", "Service line or denial reason", hint="blank: any"),
              Input("min_severity", "Minimum severity (0–1)", "number",
                    hint="0.5 medium, 0.75 high, 1 critical"),
              Input("min_abs_delta", "Minimum change (absolute)", "number"),
              Input("min_dollars", "Minimum dollars at risk", "number", step="0.01"),
              Input("webhooks", "Send to every active webhook", "checkbox"),
              Input("email_to", "E-mail to", hint="owners, admins, or addresses separated by "
                    "commas; blank: no e-mail"),
              Input("enabled", "Enabled", "checkbox"))),
        Kind("webhooks", "Webhooks",
             "Signed alert deliveries (Upstream-Signature). The signing secret is shown once, "
             "when the endpoint is created.",
             (("URL", "url"), ("Description", "description"), ("Active", "active")),
             (Input("url", "URL", "url", required=True, hint="https only"),
              Input("description", "Description"),
              Input("active", "Active", "checkbox", on_create=False))),
        Kind("payer-aliases", "Payer aliases",
             "Read a raw payer name (case-insensitive) as a canonical one in future uploads. "
             "A payer wrongly flagged as a person's name is trusted once it has an alias.",
             (("Raw name", "raw_name"), ("Canonical name", "canonical_name")),
             (Input("raw_name", "Raw name in files", required=True),
              Input("canonical_name", "Canonical name", required=True))),
        Kind("cpt-overrides", "CPT overrides",
             "Put one exact code in a service-line group, ahead of the built-in ranges.",
             (("Code", "cpt"), ("Group", "cpt_group")),
             (Input("cpt", "CPT/HCPCS code", required=True, hint="5 characters, e.g. 99213"),
              Input("cpt_group", "Group", required=True, hint="e.g. E&M, SURGERY, MEDICINE"))),
        Kind("column-mappings", "Column mappings",
             "Read a column with this exact header as a field in future uploads, before the "
             "built-in aliases.",
             (("Header", "header"), ("Field", "field")),
             (Input("header", "Header in your files", required=True),
              Input("field", "Field", "select", tuple(ALIASES), required=True))),
        Kind("users", "Users",
             "People who can sign in. A role change or a deactivation ends their sessions at "
             "once.",
             (("E-mail", "email"), ("Role", "role"), ("Active", "active")),
             (Input("email", "E-mail", "email", required=True, on_edit=False),
              Input("password", "Password", "password", required=True, on_edit=False,
                    hint="at least 12 characters; tell it to them in person"),
              Input("role", "Role", "select", ROLES, required=True),
              Input("active", "Active", "checkbox", on_create=False))),
    )
}  # fmt: skip


def rule_channels(values: dict) -> list[dict]:
    """The channels of the alert-rule form: every active webhook and/or an e-mail target."""
    channels: list[dict] = []
    if values.pop("webhooks", None):
        channels.append({"type": "webhook"})
    to = values.pop("email_to", "") or ""
    targets = [t for t in to.replace(";", ",").replace(" ", ",").split(",") if t]
    if targets:
        single = len(targets) == 1 and targets[0] in ("owners", "admins")
        channels.append({"type": "email", "to": targets[0] if single else targets})
    return channels


def rule_form_values(rule) -> dict:
    """A stored rule as the form shows it."""
    values = {i.name: getattr(rule, i.name, None) for i in KINDS["alert-rules"].inputs
              if hasattr(rule, i.name)}  # fmt: skip
    values["webhooks"] = any(c.get("type") == "webhook" for c in rule.channels)
    emails = [c.get("to") for c in rule.channels if c.get("type") == "email"]
    flat = [t for to in emails for t in ([to] if isinstance(to, str) else to)]
    values["email_to"] = ", ".join(flat)
    return values


@cache
def kind(slug: str) -> Kind | None:
    """The settings page for a slug, or None."""
    return KINDS.get(slug)
