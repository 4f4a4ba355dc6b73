"""Table-driven matrices over every route: 401 without a good token, 403 below the role,
404 for another tenant's ids (the same answer as a missing row), and lists that never leak."""

from __future__ import annotations

import time

import jwt
import pytest

from common.web.routes import route_table
from tests import api_helpers
from tests.api_helpers import ID_KEYS, call, concrete

world, w = api_helpers.world, api_helpers.w  # fixtures

AUTHED = [r for r in route_table() if r.role]
ABOVE_VIEWER = [r for r in AUTHED if r.role != "viewer"]
WITH_IDS = [r for r in route_table() if "{id}" in r.path]


def _id(route):
    return f"{route.method} {route.path}"


def test_the_matrices_cover_every_route_with_an_id():
    assert {r.path for r in WITH_IDS} == set(ID_KEYS)


def _forged(claims: dict, key: str = "a" * 40, kid: str = "k1") -> str:
    now = int(time.time())
    base = {
        "sub": "00000000-0000-0000-0000-000000000001",
        "cus": "00000000-0000-0000-0000-000000000002",
        "role": "owner",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "00000000-0000-0000-0000-000000000003",
        "iss": "upstream",
        "aud": "upstream-api",
        "typ": "access",
    }
    return jwt.encode(base | claims, key, algorithm="HS256", headers={"kid": kid})


@pytest.mark.parametrize("route", AUTHED, ids=_id)
def test_every_authenticated_route_refuses_bad_tokens_with_401(w, route):
    path, body = concrete(route, w.a)
    me = jwt.decode(w.a.tokens["owner"], options={"verify_signature": False})
    cases = {
        "missing": None,
        "garbage": "not.a.token",
        "expired": _forged(me | {"exp": int(time.time()) - 60, "iat": int(time.time()) - 900}),
        "forged": _forged(me, key="z" * 40),
    }
    for label, token in cases.items():
        response = call(w.client, route.method, path, token, body)
        assert response.status_code == 401, (label, response.json)
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("route", ABOVE_VIEWER, ids=_id)
def test_routes_above_viewer_refuse_lower_roles_with_403(w, route):
    path, body = concrete(route, w.a)
    lower = ["viewer"] + (["analyst"] if route.role == "admin" else [])
    for role in lower:
        response = call(w.client, route.method, path, w.a.tokens[role], body)
        assert response.status_code == 403, (role, response.json)
        assert response.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize("route", WITH_IDS, ids=_id)
def test_another_tenants_ids_are_404_for_every_route(w, route):
    path, body = concrete(route, w.b)  # bravo's rows, alpha's owner
    response = call(w.client, route.method, path, w.a.tokens["owner"], body)
    assert response.status_code == 404, response.json
    assert response.json["error"]["code"] == "not_found"


def test_cross_tenant_writes_changed_nothing(w):
    with w.owner.connect() as conn:
        from sqlalchemy import text

        counts = {
            t: conn.execute(
                text(f"SELECT count(*) FROM {t} WHERE customer_id = :c"), {"c": w.b.customer_id}
            ).scalar()
            for t in (
                "alert_rules",
                "webhook_endpoints",
                "payer_aliases",
                "cpt_overrides",
                "column_mappings",
            )
        }
        judged = conn.execute(text("SELECT count(*) FROM operator_judgments")).scalar()
        status = conn.execute(
            text("SELECT status FROM alerts WHERE id = :a"), {"a": w.b.ids["alert"]}
        ).scalar()
        active = conn.execute(
            text("SELECT active FROM users WHERE id = :u"), {"u": w.b.users["viewer"]}
        ).scalar()
    assert counts == dict.fromkeys(counts, 1)
    assert (judged, status, active) == (0, "sent", True)


LISTS = [
    "/v1/uploads",
    "/v1/claims",
    "/v1/signals/driftwatch",
    "/v1/signals/denialscope",
    "/v1/signals/delayguard",
    "/v1/alerts",
    "/v1/reports",
    "/v1/alert-rules",
    "/v1/webhooks",
    "/v1/payer-aliases",
    "/v1/cpt-overrides",
    "/v1/column-mappings",
    "/v1/users",
]


@pytest.mark.parametrize("path", LISTS)
def test_lists_only_show_the_callers_rows(w, path):
    mine = call(w.client, "GET", path, w.a.tokens["owner"]).json["items"]
    theirs = call(w.client, "GET", path, w.b.tokens["owner"]).json["items"]
    assert mine and theirs
    assert not {str(i["id"]) for i in mine} & {str(i["id"]) for i in theirs}


def test_aggregates_are_per_tenant(w):
    a = call(w.client, "GET", "/v1/dashboard", w.a.tokens["viewer"]).json
    b = call(w.client, "GET", "/v1/uploads/stats", w.b.tokens["viewer"]).json
    assert a["claims"] == 3 and a["uploads"] == 1 and b["uploads"] == 1
    assert a["denial_dollars_high"] == []  # nobody near $50,000 of denials this week
