"""`GET /v1/remittances` and the CAS adjustments on `GET /v1/claims/{id}` (SPEC 2.7, §6):
what an 835 carried, per tenant, for every role."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from common.commands.ingest import ingest_file
from tests import api_helpers
from tests.api_helpers import ROLES, call

world, w = api_helpers.world, api_helpers.w  # fixtures
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"


@pytest.fixture(scope="module")
def loaded(world, tmp_path_factory):
    folder = tmp_path_factory.mktemp("x12")
    for name in ("remittance_full.835", "two_transactions.835"):
        shutil.copy(FIXTURES / name, folder / name)
        assert ingest_file(world.app, folder / name, world.a.slug)["status"] == "loaded"
    return world


def _line(w, claim_id: str, cpt: str) -> int:
    with w.owner.connect() as conn:
        query = text("SELECT id FROM claims WHERE claim_id = :c AND cpt = :p")
        return conn.execute(query, {"c": claim_id, "p": cpt}).scalar_one()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lists_its_remittances_with_plb_totals(loaded, w, role):
    response = call(w.client, "GET", "/v1/remittances", w.a.tokens[role])
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert sorted(i["payer"] for i in items) == [
        "ACME HEALTH PLAN",
        "ACME HEALTH PLAN",
        "Aetna",
        "SUMMIT MUTUAL INSURANCE",
    ]  # fmt: skip (Aetna: the world's seeded row)
    full = next(i for i in items if i["trace_number"] == "EFT0001")
    assert (full["payment_amount"], full["claims_paid"]) == (312.5, 330.0)
    assert full["provider_adjustments_total"] == 17.5 and full["balanced"] is True
    assert [(p["reason"], p["amount"]) for p in full["provider_adjustments"]] == [
        ("L6", -2.5), ("WO", 20.0),
    ]  # fmt: skip


def test_remittances_page_and_filter(loaded, w):
    token = w.a.tokens["viewer"]
    first = call(w.client, "GET", "/v1/remittances?limit=3", token).json
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = call(w.client, "GET", f"/v1/remittances?limit=3&cursor={first['next_cursor']}", token)
    assert len(rest.json["items"]) == 1 and rest.json["next_cursor"] is None
    seen = [i["id"] for i in first["items"] + rest.json["items"]]
    assert len(set(seen)) == 4
    summit = call(w.client, "GET", "/v1/remittances?payer=SUMMIT MUTUAL INSURANCE", token).json
    assert [i["claims"] for i in summit["items"]] == [2]
    upload_id = summit["items"][0]["upload_id"]
    by_upload = call(w.client, "GET", f"/v1/remittances?upload_id={upload_id}", token).json
    assert len(by_upload["items"]) == 2
    assert call(w.client, "GET", "/v1/remittances?upload_id=nope", token).status_code == 422


def test_one_remittance_and_another_tenants_is_404(loaded, w):
    listed = call(w.client, "GET", "/v1/remittances", w.a.tokens["viewer"]).json["items"]
    one = next(i for i in listed if i["trace_number"] == "EFT0001")
    path = f"/v1/remittances/{one['id']}"
    assert call(w.client, "GET", path, w.a.tokens["viewer"]).json == one
    assert call(w.client, "GET", path, w.b.tokens["owner"]).status_code == 404
    other = call(w.client, "GET", "/v1/remittances", w.b.tokens["owner"]).json["items"]
    assert [i["payer"] for i in other] == ["Aetna"]  # its own seeded row only
    assert call(w.client, "GET", "/v1/remittances").status_code == 401


def test_a_line_shows_its_adjustments(loaded, w):
    detail = call(
        w.client, "GET", f"/v1/claims/{_line(w, 'PCN1003', '99214')}", w.a.tokens["viewer"]
    )
    assert detail.status_code == 200, detail.json
    assert detail.json["adjustments"] == [
        {"group": "PR", "reason": "1", "amount": 50.0, "family": "patient_responsibility"},
        {"group": "PR", "reason": "2", "amount": 40.0, "family": "patient_responsibility"},
        {"group": "CO", "reason": "45", "amount": 30.0, "family": "contractual"},
    ]
    other = call(w.client, "GET", f"/v1/claims/{_line(w, 'PCN1003', '99214')}", w.b.tokens["owner"])
    assert other.status_code == 404


def test_a_claim_level_line_has_no_cpt(loaded, w):
    with w.owner.connect() as conn:
        pk = conn.execute(text("SELECT id FROM claims WHERE claim_id = 'PCN2003'")).scalar_one()
    detail = call(w.client, "GET", f"/v1/claims/{pk}", w.a.tokens["viewer"]).json
    assert detail["cpt"] is None and detail["cpt_group"] == "OTHER"
    assert detail["adjustments"] == [
        {"group": "CO", "reason": "29", "amount": 80.0, "family": "timely_filing"}
    ]
