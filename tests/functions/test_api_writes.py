"""Every write endpoint: feedback, rules, webhooks, aliases, overrides, users, recompute,
plus the body rules (415, 413, 400, 422)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests import api_helpers
from tests.api_helpers import PASSWORD, call

world, w = api_helpers.world, api_helpers.w  # fixtures


def _as(w, role, method, path, body=None, tenant="a", **kwargs):
    return call(w.client, method, path, getattr(w, tenant).tokens[role], body, **kwargs)


def _scalar(w, sql, **params):
    with w.owner.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@pytest.mark.parametrize(
    ("verdict", "status"),
    [("real", "acknowledged"), ("noise", "resolved"), ("needs_followup", "open")],
)
def test_feedback_moves_the_alert_and_is_audited(w, verdict, status):
    alert = w.a.ids["alert"]
    body = {
        "verdict": verdict,
        "reason_codes": ["payer_policy"],
        "notes": "called the payer",
        "recovered_amount": 1200.456,
        "recovered_date": "2026-01-15",
    }
    response = _as(w, "analyst", "POST", f"/v1/alerts/{alert}/feedback", body)
    assert response.status_code == 201, response.json
    assert response.json["alert_status"] == status
    judgment = response.json["judgment"]
    assert judgment["verdict"] == verdict and judgment["recovered_amount"] == 1200.46
    assert judgment["user_id"] == w.a.users["analyst"]
    detail = _as(w, "viewer", "GET", f"/v1/alerts/{alert}").json
    assert detail["status"] == status and detail["judgments"][0]["id"] == judgment["id"]
    details = _scalar(
        w,
        "SELECT details FROM audit_events WHERE action = 'alert.judged' ORDER BY id DESC LIMIT 1",
    )
    assert details["verdict"] == verdict and "notes" not in details


@pytest.mark.parametrize(
    "body",
    [
        {"verdict": "maybe"},
        {},
        {"verdict": "real", "recovered_amount": -1},
        {"verdict": "real", "recovered_date": "2999-01-01"},
        {"verdict": "real", "reason_codes": ["has spaces"]},
        {"verdict": "real", "surprise": 1},
    ],
)
def test_bad_feedback_is_422(w, body):
    response = _as(w, "analyst", "POST", f"/v1/alerts/{w.a.ids['alert']}/feedback", body)
    assert response.status_code == 422, response.json


def test_alert_rule_crud(w):
    created = _as(
        w,
        "admin",
        "POST",
        "/v1/alert-rules",
        {
            "name": "Cigna only",
            "payer": "Cigna",
            "min_severity": 0.5,
            "channels": [{"type": "webhook"}],
        },
    )
    assert created.status_code == 201, created.json
    rule = created.json["id"]
    changed = _as(w, "admin", "PATCH", f"/v1/alert-rules/{rule}", {"min_dollars": 2500})
    assert changed.json["min_dollars"] == 2500 and changed.json["payer"] == "Cigna"
    assert _as(w, "admin", "DELETE", f"/v1/alert-rules/{rule}").status_code == 204
    assert _as(w, "viewer", "GET", f"/v1/alert-rules/{rule}").status_code == 404
    default = w.a.ids["rule"]
    assert _as(w, "admin", "DELETE", f"/v1/alert-rules/{default}").status_code == 422
    bad = _as(w, "admin", "POST", "/v1/alert-rules", {"name": "x", "min_severity": 2})
    assert bad.status_code == 422


def test_webhook_secret_is_shown_once(w):
    created = _as(w, "admin", "POST", "/v1/webhooks", {"url": "https://hooks.example.com/a"})
    assert created.status_code == 201
    secret, hook = created.json["secret"], created.json["id"]
    assert secret.startswith("whsec_")
    shown = _as(w, "viewer", "GET", f"/v1/webhooks/{hook}").json
    assert "secret" not in shown and secret not in json.dumps(
        _as(w, "viewer", "GET", "/v1/webhooks").json
    )
    stored = _scalar(w, "SELECT secret_encrypted FROM webhook_endpoints WHERE id = :i", i=hook)
    assert secret not in stored
    patched = _as(w, "admin", "PATCH", f"/v1/webhooks/{hook}", {"active": False})
    assert patched.json["active"] is False
    refused = _as(w, "admin", "POST", "/v1/webhooks", {"url": "http://example.com/plain"})
    assert refused.status_code == 422
    assert _as(w, "admin", "DELETE", f"/v1/webhooks/{hook}").status_code == 204


def test_payer_alias_and_cpt_override_crud_with_conflicts(w):
    alias = _as(
        w,
        "admin",
        "POST",
        "/v1/payer-aliases",
        {"raw_name": "  UHC   Inc ", "canonical_name": "UnitedHealthcare"},
    )
    assert alias.status_code == 201 and alias.json["raw_name"] == "UHC Inc"
    dup = _as(
        w, "admin", "POST", "/v1/payer-aliases", {"raw_name": "uhc inc", "canonical_name": "X"}
    )
    assert dup.status_code == 409
    alias_id = alias.json["id"]
    renamed = _as(w, "admin", "PATCH", f"/v1/payer-aliases/{alias_id}", {"canonical_name": "UHC"})
    assert renamed.json["canonical_name"] == "UHC"
    assert _as(w, "admin", "DELETE", f"/v1/payer-aliases/{alias_id}").status_code == 204
    assert _as(w, "admin", "DELETE", f"/v1/payer-aliases/{alias_id}").status_code == 404
    override = _as(
        w, "admin", "POST", "/v1/cpt-overrides", {"cpt": "J1885", "cpt_group": "MEDICINE"}
    )
    assert override.status_code == 201
    clash = _as(w, "admin", "PATCH", f"/v1/cpt-overrides/{override.json['id']}", {"cpt": "99499"})
    assert clash.status_code == 409  # 99499 is already overridden
    assert (
        _as(w, "admin", "POST", "/v1/cpt-overrides", {"cpt": "ABC", "cpt_group": "X1"}).status_code
        == 422
    )


def test_users_crud_respects_ranks(w):
    created = _as(
        w,
        "admin",
        "POST",
        "/v1/users",
        {"email": "New.Analyst@Alpha.test", "role": "analyst", "password": PASSWORD},
    )
    assert created.status_code == 201, created.json
    user = created.json
    assert user["email"] == "new.analyst@alpha.test" and "password_hash" not in user
    again = _as(
        w,
        "admin",
        "POST",
        "/v1/users",
        {"email": "new.analyst@alpha.test", "role": "viewer", "password": PASSWORD},
    )
    assert again.status_code == 409
    short = _as(
        w,
        "admin",
        "POST",
        "/v1/users",
        {"email": "s@alpha.test", "role": "viewer", "password": "short"},
    )
    assert short.status_code == 422
    owner = _as(
        w,
        "admin",
        "POST",
        "/v1/users",
        {"email": "o@alpha.test", "role": "owner", "password": PASSWORD},
    )
    assert owner.status_code == 403  # an admin cannot mint owners
    assert (
        _as(w, "admin", "PATCH", f"/v1/users/{w.a.users['owner']}", {"role": "viewer"}).status_code
        == 403
    )
    assert (
        _as(w, "admin", "PATCH", f"/v1/users/{w.a.users['admin']}", {"role": "viewer"}).status_code
        == 409
    )
    promoted = _as(w, "owner", "PATCH", f"/v1/users/{user['id']}", {"role": "admin"})
    assert promoted.json["role"] == "admin"
    assert _as(w, "owner", "DELETE", f"/v1/users/{user['id']}").status_code == 204
    assert _as(w, "owner", "GET", f"/v1/users/{user['id']}").status_code == 404
    with w.owner.connect() as conn:
        actions = set(
            conn.execute(
                text("SELECT action FROM audit_events WHERE target_id = :u"), {"u": user["id"]}
            ).scalars()
        )
    assert {"user.created", "user.updated", "user.deleted"} <= actions


def test_recompute_is_queued_through_the_outbox_and_throttled(w):
    first = _as(w, "admin", "POST", "/v1/recompute", {"as_of": "2026-11-01"}, tenant="b")
    assert first.status_code == 202, first.json
    assert first.json["remaining_this_hour"] == 9 and first.json["as_of"] == "2026-11-01"
    row = _scalar(
        w,
        "SELECT json_build_object('payload', payload, 'published', published_at IS NOT NULL) "
        "FROM outbox WHERE topic = 'recompute-requested' ORDER BY id DESC LIMIT 1",
    )
    assert row["published"] and json.loads(row["payload"])["customer_id"] == w.b.customer_id
    for _ in range(9):
        assert _as(w, "owner", "POST", "/v1/recompute", tenant="b").status_code == 202
    over = _as(w, "owner", "POST", "/v1/recompute", tenant="b")
    assert over.status_code == 429 and int(over.headers["Retry-After"]) > 0
    assert _as(w, "admin", "POST", "/v1/recompute").status_code == 202  # per customer


def test_write_bodies_must_be_small_json(w):
    path = "/v1/payer-aliases"
    as_text = _as(
        w, "admin", "POST", path, headers={"Content-Type": "text/plain"}, data="raw_name=x"
    )
    assert as_text.status_code == 415
    broken = _as(
        w, "admin", "POST", path, headers={"Content-Type": "application/json"}, data="{nope"
    )
    assert broken.status_code == 400 and broken.json["error"]["code"] == "bad_request"
    nan = _as(
        w, "admin", "POST", path, headers={"Content-Type": "application/json"}, data='{"a": NaN}'
    )
    assert nan.status_code == 400
    listed = _as(w, "admin", "POST", path, headers={"Content-Type": "application/json"}, data="[1]")
    assert listed.status_code == 422
    huge = json.dumps({"raw_name": "x" * (1 << 20), "canonical_name": "y"})
    too_big = _as(w, "admin", "POST", path, headers={"Content-Type": "application/json"}, data=huge)
    assert too_big.status_code == 413


def test_errors_never_carry_a_stack_trace(w):
    response = _as(w, "admin", "POST", "/v1/alert-rules", {"name": 5})
    assert response.status_code == 422
    body = json.dumps(response.json)
    assert "Traceback" not in body and set(response.json["error"]) == {
        "code",
        "message",
        "details",
        "request_id",
    }
