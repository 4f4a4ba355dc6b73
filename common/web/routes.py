"""The route table: every operation of SPEC §6, its role and its models (OpenAPI reads it too)."""

from __future__ import annotations

from functools import cache

from common.web.handlers import activity, data, ops, remittances, settings, users
from common.web.handlers import auth as auth_handlers
from common.web.models import auth as a
from common.web.models import config as c
from common.web.models import dashboard as d
from common.web.models import data as m
from common.web.models import ops as o
from common.web.models import remittances as r
from common.web.models import signals as s
from common.web.models import users as u
from common.web.routing import Route


def _auth_routes() -> list[Route]:
    h = auth_handlers
    return [
        Route("POST", "/v1/auth/token", h.issue_token, "Log in", "auth", role=None,
              body=a.TokenRequest, response=a.TokenResponse, errors=(401, 429)),
        Route("POST", "/v1/auth/refresh", h.refresh_token, "Rotate a refresh token", "auth",
              role=None, body=a.RefreshRequest, response=a.TokenResponse, errors=(401,)),
        Route("POST", "/v1/auth/logout", h.logout, "Revoke tokens", "auth", role=None,
              body=a.LogoutRequest, errors=(401,)),
        Route("GET", "/v1/auth/me", h.me, "The caller", "auth", response=a.Me),
    ]  # fmt: skip


def _read_routes() -> list[Route]:
    return [
        Route("GET", "/v1/uploads", data.list_uploads, "List uploads", "uploads",
              query=m.UploadsQuery, response=m.UploadList),
        Route("GET", "/v1/uploads/stats", data.upload_stats, "Upload totals", "uploads",
              response=m.UploadStats),
        Route("GET", "/v1/uploads/{id}", data.get_upload, "One upload", "uploads",
              response=m.UploadDetail),
        Route("GET", "/v1/claims", data.list_claims, "List claims", "claims",
              query=m.ClaimsQuery, response=m.ClaimList),
        Route("GET", "/v1/claims/{id}", data.get_claim, "One claim", "claims",
              response=m.ClaimDetail, params={"id": "int"}),
        Route("GET", "/v1/remittances", remittances.list_remittances, "List 835 remittances",
              "remittances", query=r.RemittancesQuery, response=r.RemittanceList),
        Route("GET", "/v1/remittances/{id}", remittances.get_remittance, "One 835 remittance",
              "remittances", response=r.Remittance, params={"id": "uuid"}),
        Route("GET", "/v1/payers/summary", data.payer_summary, "Per-payer totals", "payers",
              query=d.PayerSummaryQuery, response=d.PayerSummary),
        Route("GET", "/v1/signals/{product}", activity.list_signals, "List signals", "signals",
              query=s.SignalsQuery, response=s.SignalList, params={"product": "product"}),
        Route("GET", "/v1/signals/{product}/{id}", activity.get_signal, "One signal", "signals",
              response=s.SignalDetail, params={"product": "product", "id": "uuid"}),
        Route("GET", "/v1/alerts", activity.list_alerts, "List alerts", "alerts",
              query=s.AlertsQuery, response=s.AlertList),
        Route("GET", "/v1/alerts/{id}", activity.get_alert, "One alert", "alerts",
              response=s.AlertDetail),
        Route("POST", "/v1/alerts/{id}/feedback", activity.alert_feedback, "Judge an alert",
              "alerts", role="analyst", body=s.FeedbackRequest, response=s.FeedbackResponse,
              status=201),
        Route("GET", "/v1/dashboard", data.dashboard, "Dashboard", "dashboard",
              response=d.Dashboard),
        Route("GET", "/v1/reports", activity.list_reports, "List reports", "reports",
              query=s.ReportsQuery, response=s.ReportList),
        Route("GET", "/v1/reports/{id}/download", activity.download_report, "Download a report",
              "reports", media="application/octet-stream"),
    ]  # fmt: skip


def _crud(path: str, tag: str, handlers: tuple, models: tuple, *, read_role: str):
    """list/get (read_role), create/update/delete (admin) for one configuration resource."""
    list_h, get_h, create_h, update_h, delete_h = handlers
    list_m, item_m, create_m, created_m, patch_m = models
    item = f"{path}/{{id}}"
    return [
        Route("GET", path, list_h, f"List {tag}", tag, role=read_role, query=c.ConfigQuery,
              response=list_m),
        Route("POST", path, create_h, f"Create one of {tag}", tag, role="admin", body=create_m,
              response=created_m, status=201, errors=(409,)),
        Route("GET", item, get_h, f"One of {tag}", tag, role=read_role, response=item_m),
        Route("PATCH", item, update_h, f"Change one of {tag}", tag, role="admin", body=patch_m,
              response=item_m, errors=(409,)),
        Route("DELETE", item, delete_h, f"Delete one of {tag}", tag, role="admin",
              errors=(409,)),
    ]  # fmt: skip


def _config_routes() -> list[Route]:
    st, us = settings, users
    resources = [
        ("/v1/alert-rules", "alert-rules", "viewer",
         (st.list_alert_rules, st.get_alert_rule, st.create_alert_rule, st.update_alert_rule,
          st.delete_alert_rule),
         (c.AlertRuleList, c.AlertRule, c.AlertRuleCreate, c.AlertRule, c.AlertRulePatch)),
        ("/v1/webhooks", "webhooks", "viewer",
         (st.list_webhooks, st.get_webhook, st.create_webhook, st.update_webhook,
          st.delete_webhook),
         (c.WebhookList, c.Webhook, c.WebhookCreate, c.WebhookCreated, c.WebhookPatch)),
        ("/v1/payer-aliases", "payer-aliases", "viewer",
         (st.list_payer_aliases, st.get_payer_alias, st.create_payer_alias,
          st.update_payer_alias, st.delete_payer_alias),
         (c.PayerAliasList, c.PayerAlias, c.PayerAliasCreate, c.PayerAlias, c.PayerAliasPatch)),
        ("/v1/cpt-overrides", "cpt-overrides", "viewer",
         (st.list_cpt_overrides, st.get_cpt_override, st.create_cpt_override,
          st.update_cpt_override, st.delete_cpt_override),
         (c.CptOverrideList, c.CptOverride, c.CptOverrideCreate, c.CptOverride,
          c.CptOverridePatch)),
        ("/v1/column-mappings", "column-mappings", "viewer",
         (st.list_column_mappings, st.get_column_mapping, st.create_column_mapping,
          st.update_column_mapping, st.delete_column_mapping),
         (c.ColumnMappingList, c.ColumnMapping, c.ColumnMappingCreate, c.ColumnMapping,
          c.ColumnMappingPatch)),
        ("/v1/users", "users", "admin",
         (us.list_users, us.get_user, us.create_user, us.update_user, us.delete_user),
         (u.UserList, u.User, u.UserCreate, u.User, u.UserPatch)),
    ]  # fmt: skip
    routes = []
    for path, tag, read_role, handlers, models in resources:
        routes += _crud(path, tag, handlers, models, read_role=read_role)
    return routes


def _ops_routes() -> list[Route]:
    return [
        Route("POST", "/v1/recompute", ops.recompute, "Request a recompute", "operations",
              role="admin", body=o.RecomputeRequest, response=o.RecomputeAccepted, status=202,
              errors=(429,)),
        Route("GET", "/v1/openapi.json", ops.openapi_document, "This document", "operations",
              role=None, response=o.OpenApiDocument),
        Route("GET", "/health", ops.health, "Health", "operations", role=None,
              response=o.Health, errors=(503,)),
    ]  # fmt: skip


@cache
def route_table() -> tuple[Route, ...]:
    """Every route, static paths before parameterised ones where they overlap."""
    return tuple(_auth_routes() + _read_routes() + _config_routes() + _ops_routes())
