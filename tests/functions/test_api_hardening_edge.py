"""Edges of the HTTP contract (issue 12 item 9): dates at the ends of the calendar, weak
ETag comparison and the time claims of a JWT."""

from __future__ import annotations

import time

import jwt
import pytest

from tests import api_helpers
from tests.api_helpers import bearer, call

world, w = api_helpers.world, api_helpers.w  # fixtures


def _assert_envelope(response, statuses):
    assert response.status_code in statuses, (response.status_code, response.data[:300])
    error = response.json["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    return error


@pytest.mark.parametrize(
    "query",
    [
        "end_date=0001-01-01",
        "end_date=0001-03-01",
        "start_date=9999-12-30",
        "start_date=0001-01-01&end_date=0001-01-02",
        "start_date=9999-12-30&end_date=9999-12-31",
    ],
)
def test_payer_summary_dates_at_the_calendar_edges_are_not_500(w, query):
    response = call(w.client, "GET", f"/v1/payers/summary?{query}", w.a.tokens["viewer"])
    if response.status_code != 200:
        _assert_envelope(response, (422,))


@pytest.mark.parametrize(
    "query",
    ["decided_from=0001-01-01&decided_to=0001-01-02", "submitted_to=9999-12-31"],
)
def test_claim_date_filters_at_the_calendar_edges_are_not_500(w, query):
    response = call(w.client, "GET", f"/v1/claims?{query}", w.a.tokens["viewer"])
    assert response.status_code in (200, 422), response.json


def test_if_none_match_compares_weakly(w):
    token = w.a.tokens["viewer"]
    first = call(w.client, "GET", "/v1/dashboard", token)
    tag = first.headers["ETag"]
    assert tag.startswith('"')
    for header in (f"W/{tag}", f'"nope", W/{tag}', f'{tag}, W/"other"', "*"):
        again = call(w.client, "GET", "/v1/dashboard", token, headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.headers["ETag"] == tag
    other = call(w.client, "GET", "/v1/dashboard", token, headers={"If-None-Match": 'W/"x"'})
    assert other.status_code == 200


def test_report_downloads_compare_weakly_too(w):
    token = w.a.tokens["viewer"]
    path = f"/v1/reports/{w.a.ids['report']}/download"
    tag = call(w.client, "GET", path, token).headers["ETag"]
    again = call(w.client, "GET", path, token, headers={"If-None-Match": f"W/{tag}"})
    assert again.status_code == 304


def _token_with(w, **changes) -> str:
    claims = jwt.decode(w.a.tokens["viewer"], options={"verify_signature": False})
    return jwt.encode(claims | changes, "a" * 40, algorithm="HS256", headers={"kid": "k1"})


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": "99999999999"},
        {"exp": 10**30},
        {"exp": 1e30},
        {"exp": float("inf")},
        {"exp": True},
        {"iat": "0"},
        {"iat": int(time.time()) - 3600, "exp": int(time.time()) + 600},  # 70 minutes
        {"exp": int(time.time()) + 86_400},  # a day: longer than an access token lives
        {"nbf": "0"},
    ],
    ids=repr,
)
def test_tokens_with_odd_times_are_401(w, changes):
    token = _token_with(w, **changes)
    response = call(w.client, "GET", "/v1/auth/me", token)
    assert response.status_code == 401, response.json
    assert response.json["error"]["code"] == "unauthorized"
    logout = w.client.post("/v1/auth/logout", headers=bearer(token))
    assert logout.status_code == 401, logout.json


def test_a_token_issued_here_still_verifies(w):
    assert call(w.client, "GET", "/v1/auth/me", w.a.tokens["viewer"]).status_code == 200
    fine = _token_with(w, exp=int(time.time()) + 300)
    assert call(w.client, "GET", "/v1/auth/me", fine).status_code == 200


def test_a_refresh_token_living_longer_than_7_days_is_refused(w):
    response = api_helpers.login(w.client, w.a.email("owner"), ip="10.9.0.3")
    refresh = response.json["refresh_token"]
    claims = jwt.decode(refresh, options={"verify_signature": False})
    longer = jwt.encode(
        claims | {"exp": claims["iat"] + 8 * 86_400}, "a" * 40, "HS256", headers={"kid": "k1"}
    )
    assert w.client.post("/v1/auth/refresh", json={"refresh_token": longer}).status_code == 401
    fine = w.client.post("/v1/auth/refresh", json={"refresh_token": refresh})
    assert fine.status_code == 200
