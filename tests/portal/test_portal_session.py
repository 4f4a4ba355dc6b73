"""Portal sessions: sign-in and sign-out, revocation that takes effect at once (sign-out, a
role change, a deactivation), refresh-token rotation, login throttling shared with the API,
and no open redirect after sign-in."""

from __future__ import annotations

import uuid

from common.services.customers import get_customer
from common.services.users import create_user
from tests import api_helpers
from tests.api_helpers import PASSWORD, bearer, login
from tests.portal.helpers import form_token, portal_client, sign_in, signed_in, text

world, w = api_helpers.world, api_helpers.w  # fixtures


def _new_user(w, role: str) -> tuple[str, str]:
    email = f"{role}-{uuid.uuid4().hex[:8]}@alpha.test"
    user = create_user(w.app.uow, get_customer(w.app.uow, "alpha"), email, role, PASSWORD)
    return email, user["id"]


def _cookie(client, name: str) -> str:
    return client.get_cookie(name).value


def test_sign_in_and_out(w):
    client = portal_client()
    page = client.get("/?x=1")
    assert page.status_code == 303
    response = sign_in(client, w.a.email("analyst"))
    assert response.status_code == 303
    home = client.get("/")
    assert home.status_code == 200 and w.a.email("analyst") in text(home)
    access = _cookie(client, "upstream_session")
    token = form_token(client, "/")
    out = client.post("/sign-out", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["Location"] == "/sign-in?signed_out=1"
    assert client.get("/").status_code == 303
    # The old access token is revoked on the server, not only forgotten by this browser.
    replay = portal_client()
    replay.set_cookie("upstream_session", access)
    assert replay.get("/").status_code == 303
    assert w.client.get("/v1/auth/me", headers=bearer(access)).status_code == 401


def test_a_role_change_and_a_deactivation_take_effect_on_the_next_page(w):
    email, user_id = _new_user(w, "admin")
    client = signed_in(email)
    assert client.get("/settings/users").status_code == 200
    owner = bearer(w.a.tokens["owner"])
    demote = w.client.patch(f"/v1/users/{user_id}", json={"role": "viewer"}, headers=owner)
    assert demote.status_code == 200
    assert client.get("/settings/users").status_code == 403
    assert client.get("/").status_code == 200  # still signed in, as a viewer now
    off = w.client.patch(f"/v1/users/{user_id}", json={"active": False}, headers=owner)
    assert off.status_code == 200
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in")


def test_an_expired_access_token_rotates_the_refresh_token(w):
    client = signed_in(w.a.email("viewer"))
    old_refresh = _cookie(client, "upstream_refresh")
    client.set_cookie("upstream_session", "not-a-token")  # as good as expired
    page = client.get("/alerts")
    assert page.status_code == 200
    assert _cookie(client, "upstream_refresh") != old_refresh
    assert _cookie(client, "upstream_session") != "not-a-token"
    # Presenting the rotated refresh token again revokes its whole family (both browsers).
    thief = portal_client()
    thief.set_cookie("upstream_refresh", old_refresh)
    assert thief.get("/").status_code == 303
    client.set_cookie("upstream_session", "not-a-token")
    assert client.get("/").status_code == 303


def test_failed_sign_ins_are_throttled_together_with_the_api(w):
    email, _ = _new_user(w, "viewer")
    for _ in range(3):
        assert login(w.client, email, "wrong password!!", ip="10.9.0.1").status_code == 401
    client = portal_client()
    for _ in range(2):
        refused = sign_in(client, email, "wrong password!!", ip="10.9.0.2")
        assert refused.status_code == 401
        assert "do not match" in text(refused)
    throttled = sign_in(client, email, PASSWORD, ip="10.9.0.3")  # right password, too late
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in text(throttled)
    assert login(w.client, email, PASSWORD, ip="10.9.0.4").status_code == 429


def test_unknown_accounts_read_like_wrong_passwords(w):
    client = portal_client()
    unknown = sign_in(client, "nobody@alpha.test", "whatever it is", ip="10.9.1.1")
    wrong = sign_in(client, w.a.email("viewer"), "whatever it is", ip="10.9.1.2")
    assert unknown.status_code == wrong.status_code == 401
    assert "do not match" in text(unknown) and "do not match" in text(wrong)


def test_sign_in_returns_to_the_page_asked_for_and_never_elsewhere(w):
    client = portal_client()
    first = client.get("/alerts?status=open")
    assert first.headers["Location"] == "/sign-in?next=%2Falerts"
    for target, expected in (("/alerts", "/alerts"), ("//evil.example/x", "/"),
                             ("https://evil.example", "/"), ("/\\evil.example", "/")):  # fmt: skip
        fresh = portal_client()
        token = form_token(fresh, "/sign-in")
        response = fresh.post(
            "/sign-in",
            data={"email": w.a.email("viewer"), "password": PASSWORD, "csrf_token": token,
                  "next": target},
        )  # fmt: skip
        assert response.headers["Location"] == expected, target
