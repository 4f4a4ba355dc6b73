"""Dashboard and payer-summary numbers, the rollups that feed them, and RLS on API reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import ProgrammingError

from common.commands.ingest import ingest_file
from common.db.schema import ROLLUP_TABLES, claim_rollups, claims, uploads
from common.db.uow import UnitOfWork
from common.services import rollups
from common.services.queries import reads
from tests import api_helpers
from tests.api_helpers import call
from tests.ingest_helpers import csv_bytes

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


def test_an_upload_moves_the_rollups_and_the_api_follows(w, tmp_path):
    before = call(w.client, "GET", "/v1/payers/summary", w.a.tokens["viewer"]).json["payers"]
    assert sum(p["claims"] for p in before) == 3
    today = date.today()
    path = tmp_path / "feb.csv"
    row = (
        f"N1,Humana,99214,{today - timedelta(9)},{today - timedelta(2)},paid,{today},"
        "220.00,150.00,150.00,,"
    )
    path.write_bytes(csv_bytes(row))
    assert ingest_file(w.app, path, w.a.slug)["status"] == "loaded"
    after = call(w.client, "GET", "/v1/payers/summary", w.a.tokens["viewer"]).json["payers"]
    humana = next(p for p in after if p["payer"] == "Humana")
    assert humana["avg_days_to_decision"] == 7 and humana["avg_days_to_payment"] == 9
    assert _dashboard(w)["claims"] == 4
    with UnitOfWork(w.app.engine).transaction(w.a.customer_id) as conn:
        assert rollups.verify(conn, w.a.customer_id) == []


def test_verify_finds_a_line_the_rollups_missed_and_rebuild_repairs_it(w):
    uow = UnitOfWork(w.app.engine)
    with uow.transaction(w.b.customer_id) as conn:
        assert rollups.verify(conn, w.b.customer_id) == []
        line = conn.execute(select(claims).limit(1)).mappings().one()
        copy = {k: v for k, v in line.items() if k not in ("id", "created_at", "updated_at")}
        conn.execute(insert(claims).values(copy | {"line_key": "c:X\x1fn1"}))
        found = {d.table for d in rollups.verify(conn, w.b.customer_id)}
        assert "claim_rollups" in found and "claim_rollups_groups" in found
        rollups.rebuild(conn, w.b.customer_id)
        assert rollups.verify(conn, w.b.customer_id) == []
        rows = conn.execute(select(claim_rollups)).all()
        conn.rollback()
    assert sum(r.n_paid + r.n_denied + r.n_other for r in rows) == 4
    assert {str(r.customer_id) for r in rows} == {w.b.customer_id}


def test_rls_hides_api_tables_without_the_tenant_setting(w):
    _dashboard(w)
    _dashboard(w, "b")
    uow = UnitOfWork(w.app.engine)
    with uow.transaction() as conn:  # no app.customer_id: row-level security shows nothing
        for table in (claims, uploads, *ROLLUP_TABLES):
            assert conn.execute(select(table)).all() == []
        assert conn.execute(text("SELECT count(*) FROM signals")).scalar() == 0
    with pytest.raises(ProgrammingError), uow.transaction() as conn:  # nor write a rollup
        conn.execute(
            insert(claim_rollups).values(customer_id=w.a.customer_id, day=date.today(), payer="X")
        )
    with uow.transaction(w.b.customer_id) as conn:  # the wrong tenant's setting: nothing either
        assert reads.list_claims(conn, w.a.customer_id, 10, None, _no_filters()) == []
        assert reads.get_upload(conn, w.a.customer_id, str(w.a.ids["upload"])) is None


def _no_filters() -> dict:
    return dict.fromkeys(
        (
            "claim_id",
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
