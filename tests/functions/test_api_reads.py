"""Every read endpoint through the deployed api function: shapes, filters, pages, ETags."""

from __future__ import annotations

import pytest

from tests import api_helpers
from tests.api_helpers import bearer

world, w = api_helpers.world, api_helpers.w  # fixtures


def get(w, path, role="viewer", tenant="a", **kwargs):
    token = getattr(w, tenant).tokens[role]
    return w.client.get(path, headers=bearer(token) | kwargs.pop("headers", {}), **kwargs)


def test_me_names_the_user_and_tenant(w):
    doc = get(w, "/v1/auth/me").json
    assert doc["email"] == "viewer@alpha.test" and doc["role"] == "viewer"
    assert doc["customer"] == {"id": w.a.customer_id, "slug": "alpha", "name": "Alpha"}


def test_uploads_list_detail_and_stats(w):
    listing = get(w, "/v1/uploads").json
    assert [u["id"] for u in listing["items"]] == [str(w.a.ids["upload"])]
    assert listing["next_cursor"] is None
    detail = get(w, f"/v1/uploads/{w.a.ids['upload']}").json
    assert detail["report"] == {"rejections": {"date.invalid": 1}}
    assert detail["rejections"] == [
        {
            "rule": "date.invalid",
            "column": "decided_date",
            "severity": "error",
            "count": 1,
            "sample_rows": [4],
        }
    ]
    stats = get(w, "/v1/uploads/stats").json
    assert stats["uploads"] == 1 and stats["by_status"] == {"partial": 1}
    assert stats["rejections_by_rule"] == {"date.invalid": 1}
    assert get(w, "/v1/uploads?status=loaded").json["items"] == []


def test_claims_filters_and_detail(w):
    items = get(w, "/v1/claims").json["items"]
    assert [c["claim_id"] for c in items] == ["C2", "C1", "C0"]  # newest loaded first
    denied = get(w, "/v1/claims?outcome=DENIED&payer=Aetna").json["items"]
    assert [c["claim_id"] for c in denied] == ["C1"]
    claim = get(w, f"/v1/claims/{w.a.ids['claim']}").json
    assert claim["claim_id"] == "C0" and claim["versions"] == []
    assert claim["billed_amount"] == 150.0
    assert (claim["line_key"], claim["line_number"]) == ("c:C0\x1fn1", 1)


def test_claim_id_lists_exactly_that_claims_lines(w):
    lines = get(w, "/v1/claims?claim_id=C1").json["items"]
    assert [(c["claim_id"], c["line_number"]) for c in lines] == [("C1", 1)]
    assert get(w, "/v1/claims?claim_id=C").json["items"] == []  # a prefix is not a claim
    (theirs,) = get(w, "/v1/claims?claim_id=C1", tenant="b").json["items"]
    assert theirs["id"] in w.b.ids["claims"] and theirs["id"] not in w.a.ids["claims"]


@pytest.mark.parametrize(
    "query",
    [
        "decided_from=2026-01-10&decided_to=2026-01-01",
        "submitted_from=2026-01-01&submitted_to=2026-01-01",
        "outcome=MAYBE",
        "cpt=12",
        "limit=0",
        "limit=201",
        "unknown=1",
        "limit=5&limit=6",
        "decided_from=yesterday",
    ],
)
def test_claims_bad_parameters_are_422_with_details(w, query):
    response = get(w, f"/v1/claims?{query}")
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert error["request_id"] == response.headers["X-Request-Id"]


def test_cursor_pagination_walks_every_row_once(w):
    seen, cursor = [], None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        doc = get(w, f"/v1/claims?limit=1{suffix}").json
        seen += [c["id"] for c in doc["items"]]
        cursor = doc["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(w.a.ids["claims"]) and len(seen) == 3
    users = get(w, "/v1/users?limit=3", role="admin").json
    rest = get(w, f"/v1/users?limit=3&cursor={users['next_cursor']}", role="admin").json
    emails = [u["email"] for u in users["items"] + rest["items"]]
    assert sorted(emails) == sorted(
        f"{r}@alpha.test" for r in ("owner", "admin", "analyst", "viewer")
    )


@pytest.mark.parametrize("cursor", ["garbage", "eyJrIjoiY2xhaW1zIn0", "e30"])
def test_foreign_or_tampered_cursors_are_400(w, cursor):
    response = get(w, f"/v1/claims?cursor={cursor}")
    assert response.status_code == 400
    uploads_cursor = get(w, "/v1/users?limit=1", role="admin").json["next_cursor"]
    assert get(w, f"/v1/claims?cursor={uploads_cursor}").status_code == 400


def test_payer_summary_defaults_to_90_days_and_validates_ranges(w):
    doc = get(w, "/v1/payers/summary").json
    assert {p["payer"] for p in doc["payers"]} == {"Aetna", "Cigna"}
    aetna = next(p for p in doc["payers"] if p["payer"] == "Aetna")
    assert (aetna["claims"], aetna["denied"], aetna["denial_rate"]) == (2, 1, 0.5)
    empty = get(w, "/v1/payers/summary?start_date=2020-01-01&end_date=2020-02-01").json
    assert empty["payers"] == [] and empty["start_date"] == "2020-01-01"
    for bad in ("start_date=2026-02-01&end_date=2026-01-01", "start_date=2090-01-01"):
        assert get(w, f"/v1/payers/summary?{bad}").status_code == 422


def test_signals_per_product_with_filters(w):
    drift = get(w, "/v1/signals/driftwatch").json["items"]
    assert len(drift) == 1 and drift[0]["product"] == "driftwatch"
    one = get(w, f"/v1/signals/driftwatch/{drift[0]['id']}").json
    assert one["summary"] == "Cigna denies more E&M claims"
    assert get(w, f"/v1/signals/delayguard/{drift[0]['id']}").status_code == 404
    assert get(w, "/v1/signals/driftwatch?severity=high").json["items"] == []
    assert len(get(w, "/v1/signals/driftwatch?payer=cigna&since=2000-01-01").json["items"]) == 1
    assert get(w, "/v1/signals/nosuchproduct").status_code == 404
    assert get(w, "/v1/signals/driftwatch?severity=huge").status_code == 422


def test_signal_lists_show_open_episodes_by_default_and_detail_has_history(w):
    from sqlalchemy import text

    [episode] = get(w, "/v1/signals/driftwatch").json["items"]
    assert (episode["times_seen"], episode["ended_as_of"]) == (1, None)
    assert get(w, "/v1/signals/driftwatch?status=closed").json["items"] == []
    with w.owner.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO signal_observations (customer_id, signal_id, as_of, window_start, "
                "window_end, severity, severity_label, confidence) SELECT customer_id, id, as_of, "
                "window_start, window_end, severity, severity_label, confidence FROM signals "
                "WHERE id = :i"
            ),
            {"i": episode["id"]},
        )
        conn.execute(
            text("UPDATE signals SET ended_as_of = as_of WHERE id = :i"), {"i": episode["id"]}
        )
    try:
        assert get(w, "/v1/signals/driftwatch").json["items"] == []
        [closed] = get(w, "/v1/signals/driftwatch?status=closed").json["items"]
        assert closed["id"] == episode["id"]
        assert len(get(w, "/v1/signals/driftwatch?status=all").json["items"]) == 1
        detail = get(w, f"/v1/signals/driftwatch/{episode['id']}").json
        assert [o["as_of"] for o in detail["observations"]] == [episode["as_of"]]
        assert get(w, "/v1/signals/driftwatch?status=maybe").status_code == 422
    finally:
        with w.owner.begin() as conn:
            conn.execute(
                text("UPDATE signals SET ended_as_of = NULL WHERE id = :i"), {"i": episode["id"]}
            )
            conn.execute(text("DELETE FROM signal_observations"))


def test_alerts_list_and_detail_with_judgments(w):
    alerts = get(w, "/v1/alerts").json["items"]
    assert [a["id"] for a in alerts] == [str(w.a.ids["alert"])]
    assert alerts[0]["signal"]["product"] == "driftwatch"
    detail = get(w, f"/v1/alerts/{w.a.ids['alert']}").json
    assert detail["judgments"] == [] and detail["signal"]["type"] == "denial_rate_up"
    assert get(w, "/v1/alerts?status=resolved").json["items"] == []


def test_reports_list_and_download(w):
    reports = get(w, "/v1/reports").json["items"]
    assert reports[0]["download_url"] == f"/v1/reports/{w.a.ids['report']}/download"
    response = get(w, reports[0]["download_url"])
    assert response.status_code == 200 and response.data == b"a,b\n1,2\n"
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    cached = get(w, reports[0]["download_url"], headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304


def test_configuration_reads(w):
    rules = get(w, "/v1/alert-rules").json["items"]
    assert rules[0]["is_default"] and rules[0]["min_severity"] == 0.7
    assert get(w, f"/v1/alert-rules/{rules[0]['id']}").json["name"] == rules[0]["name"]
    hooks = get(w, "/v1/webhooks").json["items"]
    assert hooks[0]["url"] == "https://hooks.example.com/x" and "secret" not in hooks[0]
    assert "secret_encrypted" not in get(w, f"/v1/webhooks/{hooks[0]['id']}").json
    assert get(w, "/v1/payer-aliases").json["items"][0]["canonical_name"] == "Aetna"
    assert get(w, "/v1/cpt-overrides").json["items"][0]["cpt"] == "99499"


def test_get_answers_with_etag_and_304(w):
    first = get(w, "/v1/dashboard")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag
    again = get(w, "/v1/dashboard", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert get(w, "/v1/dashboard", headers={"If-None-Match": '"other"'}).status_code == 200


def test_every_response_carries_security_headers_and_the_request_id(w):
    for response in (
        get(w, "/v1/uploads", headers={"X-Request-Id": "abc-123"}),
        w.client.get("/v1/uploads", headers={"X-Request-Id": "abc-123"}),
    ):
        assert response.headers["X-Request-Id"] == "abc-123"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    injected = w.client.get("/health", headers={"X-Request-Id": "bad id <script>"})
    assert injected.headers["X-Request-Id"] != "bad id <script>"


def test_unknown_paths_404_and_wrong_methods_405_with_allow(w):
    missing = get(w, "/v1/nothing-here")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    wrong = w.client.put("/v1/alert-rules", headers=bearer(w.a.tokens["owner"]))
    assert wrong.status_code == 405
    assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert get(w, "/v1/uploads/not-a-uuid").status_code == 404
    assert get(w, "/v1/claims/0").status_code == 404
    assert w.client.head("/health").status_code == 200


def test_health_needs_no_token(w):
    response = w.client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}
