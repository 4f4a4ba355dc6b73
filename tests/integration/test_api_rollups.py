"""Dashboard and payer-summary numbers, the rollup that feeds them, and RLS on API reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import ProgrammingError

from common.db.schema import claim_rollup_state, claim_rollups, claims, uploads
from common.db.uow import UnitOfWork
from common.services.queries import reads
from common.services.queries.rollups import refresh_rollup
from tests import api_helpers
from tests.api_helpers import call

world, w = api_helpers.world, api_helpers.w  # fixtures


def _dashboard(w, tenant="a"):
    return call(w.client, "GET", "/v1/dashboard", getattr(w, tenant).tokens["viewer"]).json


def test_dashboard_numbers(w):
    doc = _dashboard(w)
    assert doc["claims"] == 3 and doc["uploads"] == 1
    assert doc["open_signals"] == {"low": 0, "medium": 3, "high": 0, "critical": 0, "total": 3}
    assert doc["dollars_at_risk"] == 3 * 1234.5
    assert len(doc["denial_trend"]) == 6
    assert doc["denial_trend"][-1]["month"] == date.today().replace(day=1).isoformat()
    decided = sum(p["claims"] for p in doc["denial_trend"])
    denied = sum(p["denied"] for p in doc["denial_trend"])
    assert (decided, denied) == (3, 2)
    assert [p["payer"] for p in doc["top_payers"]] == ["Aetna", "Cigna"]  # by denied dollars
    assert doc["recovery"] == {"this_month": 0, "last_30_days": 0, "all_time": 0}


def test_feedback_feeds_the_recovery_ledger_and_closes_signals(w):
    alert = w.a.ids["alert"]
    today = date.today()
    for amount, verdict in ((100, "real"), (250, "noise")):  # the latest judgment counts
        body = {"verdict": verdict, "recovered_amount": amount, "recovered_date": str(today)}
        token = w.a.tokens["analyst"]
        assert (
            call(w.client, "POST", f"/v1/alerts/{alert}/feedback", token, body).status_code == 201
        )
    doc = _dashboard(w)
    assert doc["recovery"] == {"this_month": 250, "last_30_days": 250, "all_time": 250}
    assert doc["open_signals"]["total"] == 2  # the resolved (noise) alert's signal closed
    assert _dashboard(w, "b")["recovery"]["all_time"] == 0


def test_a_new_upload_moves_the_watermark_and_the_rollup_follows(w):
    before = call(w.client, "GET", "/v1/payers/summary", w.a.tokens["viewer"]).json["payers"]
    assert sum(p["claims"] for p in before) == 3
    today = date.today()
    with w.owner.begin() as conn:
        upload = conn.execute(
            insert(uploads)
            .values(
                customer_id=w.a.customer_id,
                object_name="alpha/feb.csv",
                generation="1",
                status="loaded",
                completed_at=datetime.now(UTC),
            )
            .returning(uploads.c.id)
        ).scalar()
        conn.execute(
            insert(claims).values(
                customer_id=w.a.customer_id,
                upload_id=upload,
                claim_key="NEW",
                payer="Humana",
                cpt="99214",
                cpt_group="E&M",
                submitted_date=today - timedelta(9),
                decided_date=today - timedelta(2),
                payment_date=today,
                outcome="PAID",
                billed_amount=220,
                allowed_amount=150,
                paid_amount=150,
            )
        )
    after = call(w.client, "GET", "/v1/payers/summary", w.a.tokens["viewer"]).json["payers"]
    humana = next(p for p in after if p["payer"] == "Humana")
    assert humana["avg_days_to_decision"] == 7 and humana["avg_days_to_payment"] == 9
    assert _dashboard(w)["claims"] == 4


def test_the_rollup_is_rebuilt_once_and_only_when_stale(w):
    uow = UnitOfWork(w.app.engine)
    with uow.transaction(w.b.customer_id) as conn:
        refresh_rollup(conn, w.b.customer_id)
        assert refresh_rollup(conn, w.b.customer_id) is False
        rows = conn.execute(select(claim_rollups)).all()
    assert sum(r.n_paid + r.n_denied + r.n_other for r in rows) == 3
    assert {str(r.customer_id) for r in rows} == {w.b.customer_id}


def test_rls_hides_api_tables_without_the_tenant_setting(w):
    _dashboard(w)
    _dashboard(w, "b")
    uow = UnitOfWork(w.app.engine)
    with uow.transaction() as conn:  # no app.customer_id: row-level security shows nothing
        for table in (claims, uploads, claim_rollups, claim_rollup_state):
            assert conn.execute(select(table)).all() == []
        assert conn.execute(text("SELECT count(*) FROM signals")).scalar() == 0
    with pytest.raises(ProgrammingError), uow.transaction() as conn:  # nor write the rollup
        refresh_rollup(conn, w.a.customer_id)
    with uow.transaction(w.b.customer_id) as conn:  # the wrong tenant's setting: nothing either
        assert reads.list_claims(conn, w.a.customer_id, 10, None, _no_filters()) == []
        assert reads.get_upload(conn, w.a.customer_id, str(w.a.ids["upload"])) is None


def _no_filters() -> dict:
    return dict.fromkeys(
        (
            "payer",
            "cpt",
            "cpt_group",
            "outcome",
            "submitted_from",
            "submitted_to",
            "decided_from",
            "decided_to",
        )
    )
