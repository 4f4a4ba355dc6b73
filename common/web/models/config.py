"""Alert rules, webhook endpoints, payer aliases, CPT overrides and column mappings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from common.domain.columns import ALIASES
from common.web.models.common import Input, ListQuery, Output, Product

Text200 = Annotated[str, Field(min_length=1, max_length=200)]


class WebhookChannel(Input):
    """Deliver to one endpoint, or to every active endpoint when endpoint_id is omitted."""

    type: Literal["webhook"]
    endpoint_id: UUID | None = None


class EmailChannel(Input):
    """E-mail 'owners', 'admins' or up to 20 addresses."""

    type: Literal["email"]
    to: str | Annotated[list[str], Field(min_length=1, max_length=20)]


Channel = Annotated[WebhookChannel | EmailChannel, Field(discriminator="type")]


class AlertRulePatch(Input):
    """Fields to change; blank scope fields mean 'any'."""

    name: Text200 | None = None
    product: Product | None = None
    signal_type: str | None = Field(None, max_length=200)
    payer: str | None = Field(None, max_length=200)
    group_key: str | None = Field(None, max_length=200)
    min_severity: float | None = Field(None, ge=0, le=1)
    min_abs_delta: float | None = Field(None, ge=0, le=10_000_000)
    min_dollars: float | None = Field(None, ge=0, le=10_000_000)
    channels: list[Channel] | None = Field(None, max_length=10)
    enabled: bool | None = None


class AlertRuleCreate(AlertRulePatch):
    """A new rule: scope (any blank = any), condition (all set ones must hold), channels."""

    name: Text200


class AlertRule(Output):
    """A stored rule."""

    id: UUID
    name: str
    product: str | None
    signal_type: str | None
    payer: str | None
    group_key: str | None
    min_severity: float | None
    min_abs_delta: float | None
    min_dollars: float | None
    channels: list[dict]
    enabled: bool
    is_default: bool
    created_at: datetime


class AlertRuleList(Output):
    """A page of rules, oldest first."""

    items: list[AlertRule]
    next_cursor: str | None


class WebhookPatch(Input):
    """Fields to change on an endpoint."""

    url: str | None = Field(None, min_length=1, max_length=2048)
    description: str | None = Field(None, max_length=500)
    active: bool | None = None


class WebhookCreate(Input):
    """A new endpoint: https URL (http only to loopback locally)."""

    url: str = Field(min_length=1, max_length=2048)
    description: str | None = Field(None, max_length=500)


class Webhook(Output):
    """A stored endpoint (its secret is never shown again)."""

    id: UUID
    url: str
    description: str | None
    active: bool
    created_at: datetime


class WebhookCreated(Webhook):
    """The new endpoint with its signing secret, shown this once."""

    secret: str


class WebhookList(Output):
    """A page of endpoints, oldest first."""

    items: list[Webhook]
    next_cursor: str | None


class PayerAliasPatch(Input):
    """Fields to change on an alias."""

    raw_name: Text200 | None = None
    canonical_name: Text200 | None = None


class PayerAliasCreate(Input):
    """Map a raw payer name (case-insensitive) to a canonical one for future uploads."""

    raw_name: Text200
    canonical_name: Text200


class PayerAlias(Output):
    """A stored alias."""

    id: UUID
    raw_name: str
    canonical_name: str
    created_at: datetime


class PayerAliasList(Output):
    """A page of aliases."""

    items: list[PayerAlias]
    next_cursor: str | None


CptCode = Annotated[str, Field(pattern=r"^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$")]
CptGroup = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_&]{1,39}$")]


class CptOverridePatch(Input):
    """Fields to change on an override."""

    cpt: CptCode | None = None
    cpt_group: CptGroup | None = None


class CptOverrideCreate(Input):
    """Put one exact code in a group (e.g. 99213 → E&M)."""

    cpt: CptCode
    cpt_group: CptGroup


class CptOverride(Output):
    """A stored override."""

    id: UUID
    cpt: str
    cpt_group: str
    created_at: datetime


class CptOverrideList(Output):
    """A page of overrides."""

    items: list[CptOverride]
    next_cursor: str | None


# Checked by the service (so the API and the CLI answer an unknown field alike: 422 naming the
# valid ones); the document still lists them.
CanonicalField = Annotated[
    str, Field(min_length=1, max_length=64, json_schema_extra={"enum": list(ALIASES)})
]


class ColumnMappingPatch(Input):
    """Fields to change on a column mapping."""

    header: Text200 | None = None
    field: CanonicalField | None = None


class ColumnMappingCreate(Input):
    """Read the column with this header as `field` in future uploads, before built-in aliases."""

    header: Text200
    field: CanonicalField


class ColumnMapping(Output):
    """A stored column mapping."""

    id: UUID
    header: str
    field: str
    created_at: datetime


class ColumnMappingList(Output):
    """A page of column mappings."""

    items: list[ColumnMapping]
    next_cursor: str | None


class ConfigQuery(ListQuery):
    """Lists of configuration: just the page."""
