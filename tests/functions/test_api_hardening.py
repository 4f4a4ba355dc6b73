"""Input abuse at the HTTP edge (issue 12 item 1): NUL bytes, deep JSON, lone surrogates and
huge numbers are 4xx with the error envelope, never a 500 (the canary rolls back on the 5xx
rate, and most of these need no token)."""

from __future__ import annotations

import pytest

from tests import api_helpers
from tests.api_helpers import bearer, call

world, w = api_helpers.world, api_helpers.w  # fixtures

WRONG_LOGIN = {"email": "nobody@x.test", "password": "wrong password"}  # pragma: allowlist secret


def _assert_envelope(response, statuses=(400, 422)):
    assert response.status_code in statuses, (response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["request_id"] == response.headers["X-Request-Id"]
    return error


def _raw(w, method, path, data: bytes | str, token=None, **kwargs):
    headers = bearer(token) if token else {}
    return w.client.open(
        path, method=method, data=data, content_type="application/json", headers=headers, **kwargs
    )


# --- NUL bytes ------------------------------------------------------------------------------


def test_a_nul_in_the_login_email_is_400_without_a_token(w):
    response = w.client.post(
        "/v1/auth/token",
        json={"email": "a\u0000@b.cd", "password": "x"},
        environ_base={"REMOTE_ADDR": "10.9.0.1"},
    )
    error = _assert_envelope(response)
    assert "\x00" not in response.get_data(as_text=True)
    assert error["details"] == [{"loc": ["email"], "message": "NUL character", "type": "nul"}]


def test_a_nul_in_a_password_or_refresh_token_is_400(w):
    ip = {"REMOTE_ADDR": "10.9.0.2"}
    login = {"email": "x@y.test", "password": "pa\x00ss"}  # pragma: allowlist secret
    _assert_envelope(w.client.post("/v1/auth/token", json=login, environ_base=ip))
    _assert_envelope(w.client.post("/v1/auth/refresh", json={"refresh_token": "a\x00b"}))


@pytest.mark.parametrize(
    "query",
    ["payer=a%00b", "claim_id=%00", "cpt_group=E%00M", "cursor=ab%00", "pa%00yer=x"],
)
def test_a_nul_in_a_query_string_is_400(w, query):
    response = w.client.get(f"/v1/claims?{query}", headers=bearer(w.a.tokens["viewer"]))
    _assert_envelope(response)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/payer-aliases", {"raw_name": "AET\x00NA", "canonical_name": "Aetna"}),
        ("POST", "/v1/alert-rules", {"name": "r\x00", "payer": "Cigna"}),
        ("POST", "/v1/alert-rules", {"name": "r", "payer": "Ci\x00gna"}),
        ("POST", "/v1/webhooks", {"url": "https://hooks.example.com/n", "description": "\x00"}),
        ("POST", "/v1/column-mappings", {"header": "Pyr\x00", "field": "payer"}),
        ("POST", "/v1/users", {"email": "n\x00@x.test", "role": "viewer", "password": "p" * 12}),
    ],
)
def test_a_nul_in_any_write_body_is_400(w, method, path, body):
    _assert_envelope(call(w.client, method, path, w.a.tokens["owner"], body))


def test_a_nul_in_feedback_notes_or_a_nested_field_is_400(w):
    alert = w.a.ids["alert"]
    token = w.a.tokens["analyst"]
    path = f"/v1/alerts/{alert}/feedback"
    _assert_envelope(call(w.client, "POST", path, token, {"verdict": "real", "notes": "a\x00"}))
    rule = {"name": "r", "channels": [{"type": "email", "to": ["a\x00@b.test"]}]}
    _assert_envelope(call(w.client, "POST", "/v1/alert-rules", w.a.tokens["owner"], rule))
    keyed = {"name": "r", "x\x00": 1}
    _assert_envelope(call(w.client, "POST", "/v1/alert-rules", w.a.tokens["owner"], keyed))


def test_a_nul_in_a_forwarded_client_address_never_reaches_sql(w):
    settings = w.app.settings
    hops = settings.trusted_proxy_hops
    object.__setattr__(settings, "trusted_proxy_hops", 1)
    try:
        response = w.client.post(
            "/v1/auth/token",
            json=WRONG_LOGIN,
            headers={"X-Forwarded-For": "10.8.\x00.1"},
        )
    finally:
        object.__setattr__(settings, "trusted_proxy_hops", hops)
    assert response.status_code == 401, response.json


# --- JSON shape: depth, surrogates, numbers -----------------------------------------------


@pytest.mark.parametrize("depth", [65, 1000, 5000, 100_000])
def test_json_nested_deeper_than_64_levels_is_400(w, depth):
    body = "[" * depth + "]" * depth
    error = _assert_envelope(_raw(w, "POST", "/v1/auth/token", body), (400,))
    assert "nested" in error["message"]
    obj = '{"a":' * depth + "1" + "}" * depth
    _assert_envelope(_raw(w, "POST", "/v1/auth/token", obj), (400,))


def test_json_nested_64_levels_is_parsed_and_validated(w):
    body = '{"email": ' + "[" * 63 + "]" * 63 + ', "password": "x"}'
    response = _raw(w, "POST", "/v1/auth/token", body)
    assert _assert_envelope(response, (422,))["code"] == "validation_error"


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "\\ud800@b.cd", "password": "x"}',
        '{"email": "a@b.cd", "password": "\\udfff"}',
        '{"\\ud800": 1}',
    ],
)
def test_lone_surrogates_are_400(w, body):
    _assert_envelope(_raw(w, "POST", "/v1/auth/token", body))


@pytest.mark.parametrize(
    "body",
    [
        '{"name": "r", "min_dollars": 1e400}',
        '{"name": "r", "min_dollars": -1e400}',
        '{"name": "r", "min_severity": ' + "9" * 5000 + "}",
        '{"name": "r", "min_dollars": ' + "9" * 400 + "}",
        '{"name": "r", "min_dollars": 1' + "0" * 4000 + ".5}",
    ],
)
def test_huge_numbers_are_4xx(w, body):
    _assert_envelope(_raw(w, "POST", "/v1/alert-rules", body, w.a.tokens["owner"]))


def test_huge_integers_in_queries_and_bodies_are_4xx(w):
    token = w.a.tokens["owner"]
    _assert_envelope(call(w.client, "GET", "/v1/claims?limit=" + "9" * 30, token))
    feedback = {"verdict": "real", "recovered_amount": 10**30}
    path = f"/v1/alerts/{w.a.ids['alert']}/feedback"
    _assert_envelope(call(w.client, "POST", path, token, feedback))
