"""Every portal page: who may open it (SPEC §1), another tenant's ids (404), the browser
headers (CSP, cookies) and CSRF refusals, through the deployed portal function on real
Postgres with the API tests' two seeded tenants."""

from __future__ import annotations

import re
import uuid

import pytest
from werkzeug.test import Client

from common.local.runner import wsgi_app
from common.web.portal.routes import url_map
from tests import api_helpers
from tests.api_helpers import ROLES
from tests.portal.helpers import csrf_of, form_token, portal_client, signed_in, text

world, w = api_helpers.world, api_helpers.w  # fixtures
RANK = {"viewer": 0, "analyst": 1, "admin": 2, "owner": 3}
KINDS = {
    "alert-rules": "rule",
    "webhooks": "webhook",
    "payer-aliases": "alias",
    "cpt-overrides": "override",
    "column-mappings": "column",
}


def pages(tenant) -> list[tuple[str, str]]:
    """(path, lowest role) of every GET page, with `tenant`'s ids."""
    ids = tenant.ids
    found = [
        ("/", "viewer"),
        ("/uploads", "viewer"),
        (f"/uploads/{ids['upload']}", "viewer"),
        (f"/uploads/waiting/{uuid.uuid4().hex}", "viewer"),
        ("/uploads/new", "analyst"),
        ("/signals", "viewer"),
        ("/signals?product=delayguard&status=all", "viewer"),
        (f"/signals/driftwatch/{ids['signal']['driftwatch']}", "viewer"),
        (f"/signals/denialscope/{ids['signal']['denialscope']}", "viewer"),
        ("/alerts", "viewer"),
        (f"/alerts/{ids['alert']}", "viewer"),
        ("/remittances", "viewer"),
        ("/reports", "viewer"),
        (f"/reports/{ids['report']}/download", "viewer"),
        ("/settings", "admin"),
        ("/settings/users", "admin"),
        (f"/settings/users/{tenant.users['viewer']}", "admin"),
    ]
    for kind, key in KINDS.items():
        found += [(f"/settings/{kind}", "admin"), (f"/settings/{kind}/{ids[key]}", "admin")]
    return found


@pytest.fixture(scope="module")
def sessions(world):
    """One signed-in client per role of tenant alpha, and bravo's owner."""
    api_helpers.use_container(world.app)
    clients = {role: signed_in(world.a.email(role)) for role in ROLES}
    clients["bravo"] = signed_in(world.b.email("owner"))
    return clients


def test_the_matrix_covers_every_page_with_the_role_its_route_declares(w):
    adapter = url_map().bind("")
    covered = {}
    for path, lowest in pages(w.a):
        rule, _ = adapter.match(path.split("?")[0], method="GET", return_rule=True)
        covered[rule.rule] = lowest
        assert rule.endpoint[1] == lowest, path
    session_pages = {r.rule for r in url_map().iter_rules() if "GET" in r.methods and r.endpoint[1]}
    assert session_pages == set(covered)


@pytest.mark.parametrize("role", ROLES)
def test_the_role_matrix(w, sessions, role):
    client = sessions[role]
    for path, lowest in pages(w.a):
        response = client.get(path)
        expected = 200 if RANK[role] >= RANK[lowest] else 403
        assert response.status_code == expected, (role, path, text(response)[:300])


def test_pages_without_a_session_send_the_browser_to_sign_in(w):
    client = portal_client()
    for path, _ in pages(w.a):
        response = client.get(path)
        assert response.status_code == 303, path
        location = response.headers["Location"]
        assert location.startswith("/sign-in"), location
    assert client.get("/sign-in").status_code == 200
    assert client.get("/assets/portal.css").status_code == 200


def test_another_tenants_ids_are_404_like_missing_ones(w, sessions):
    client = sessions["owner"]  # alpha's owner: every page is open to the role
    for path, _ in pages(w.b):
        if not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", path):
            continue  # list pages show alpha's own rows
        response = client.get(path)
        assert response.status_code == 404, path
        assert "bravo" not in text(response).lower()
    missing = client.get(f"/alerts/{uuid.uuid4()}")
    assert missing.status_code == 404
    token = form_token(client, "/alerts")
    refused = client.post(
        f"/alerts/{w.b.ids['alert']}/feedback", data={"verdict": "noise", "csrf_token": token}
    )
    assert refused.status_code == 404
    assert "Cigna" not in text(refused)  # bravo's signal's payer is never shown


def test_lists_show_only_the_callers_tenant(w, sessions):
    alpha = text(sessions["owner"].get("/uploads"))
    bravo = text(sessions["bravo"].get("/uploads"))
    assert str(w.a.ids["upload"]) in alpha and str(w.b.ids["upload"]) not in alpha
    assert str(w.b.ids["upload"]) in bravo and str(w.a.ids["upload"]) not in bravo


CSP_NEEDS = ("default-src 'self'", "script-src 'self'", "style-src 'self'",
             "frame-ancestors 'none'", "form-action 'self'")  # fmt: skip


def test_every_page_has_the_strict_csp_and_no_inline_script_or_style(w, sessions):
    client = sessions["owner"]
    for path, _ in [*pages(w.a), ("/sign-in", None)]:
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert all(part in csp for part in CSP_NEEDS), (path, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if response.mimetype == "text/html":
            assert response.headers["Cache-Control"] == "no-store", path
            html = text(response)
            assert "<script" not in html and "<style" not in html, path
            assert not re.search(r"\sstyle=", html), path
            assert not re.search(r"\son[a-z]+=", html), path


def test_the_session_cookies_are_secure_httponly_and_strict(w):
    client = portal_client()
    token = form_token(client)
    response = client.post(
        "/sign-in",
        data={"email": w.a.email("viewer"), "password": api_helpers.PASSWORD,
              "csrf_token": token},  # pragma: allowlist secret
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookies = response.headers.getlist("Set-Cookie")
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"upstream_session", "upstream_refresh", "upstream_csrf"} <= names
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "samesite=strict"} <= flags, cookie


def test_forms_without_the_csrf_token_are_refused(w, sessions):
    analyst, admin = sessions["analyst"], sessions["admin"]
    alert = f"/alerts/{w.a.ids['alert']}/feedback"
    assert analyst.post(alert, data={"verdict": "noise"}).status_code == 403
    assert analyst.post(alert, data={"verdict": "noise", "csrf_token": "0" * 64}).status_code == 403
    other = csrf_of(text(sessions["viewer"].get("/alerts")))  # another session's token
    assert analyst.post(alert, data={"verdict": "noise", "csrf_token": other}).status_code == 403
    create = admin.post("/settings/payer-aliases", data={"raw_name": "X", "canonical_name": "Y"})
    assert create.status_code == 403
    assert admin.post("/sign-out").status_code == 403
    fresh = portal_client()
    fresh.get("/sign-in")
    refused = fresh.post("/sign-in", data={"email": w.a.email("owner"), "password": "x"})
    assert refused.status_code == 403
    after = text(analyst.get(f"/alerts/{w.a.ids['alert']}"))
    assert "No feedback yet" in after  # nothing was recorded
    assert admin.get("/").status_code == 200  # still signed in


def test_upstream_serve_mounts_the_portal_at_app(w):
    client = Client(wsgi_app(w.app))
    page = client.get("/app/sign-in", environ_base={"wsgi.url_scheme": "https"})
    assert page.status_code == 200
    html = text(page)
    assert 'action="/app/sign-in"' in html and 'href="/app/assets/portal.css"' in html
    assert client.get("/app/").headers["Location"].startswith("/app/sign-in")
    assert client.get("/app/assets/portal.css").status_code == 200
    assert client.get("/health").status_code == 200  # the api still answers at the root


def test_unknown_pages_wrong_methods_and_a_lost_database_are_html_pages(w, sessions, tmp_path):
    from common.bootstrap import Container, use_container
    from common.config import Settings

    client = sessions["viewer"]
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    wrong = client.delete("/alerts")
    assert wrong.status_code == 405 and "Traceback" not in text(wrong)
    broken = Container(
        Settings(
            home=tmp_path,
            database_url="postgresql+pg8000://nobody@127.0.0.1:1/none",
            jwt_keys=api_helpers.JWT_KEYS,
        )
    )
    use_container(broken)
    try:
        down = client.get("/alerts")
    finally:
        use_container(w.app)
    assert down.status_code == 503 and down.headers["Retry-After"]
    assert "Traceback" not in text(down) and "pg8000" not in text(down)
