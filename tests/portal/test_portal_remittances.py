"""The portal shows what an 835 carried: the remittances page (as GET /v1/remittances) and
the 835 section of an upload, for this tenant only, with no patient identifier on any page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from common.commands.ingest import ingest_file
from tests import api_helpers
from tests.portal.helpers import signed_in, text

world, w = api_helpers.world, api_helpers.w  # fixtures
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"
PHI = ("DOE", "JANE", "ROE", "RICHARD", "POE", "EDGAR", "MEMBER", "MRN778899")


@pytest.fixture(scope="module")
def remit(world, tmp_path_factory):
    folder = tmp_path_factory.mktemp("x12")
    reports = {}
    for name in ("remittance_full.835", "reversal_pair.835"):
        shutil.copy(FIXTURES / name, folder / name)
        reports[name] = ingest_file(world.app, folder / name, world.a.slug)
        assert reports[name]["status"] == "loaded"
    api_helpers.use_container(world.app)
    return reports


def test_the_remittances_page_lists_payments_balance_and_plb(w, remit):
    page = text(signed_in(w.a.email("viewer")).get("/remittances"))
    assert "ACME HEALTH PLAN" in page and "EFT0001" in page
    assert "$312.50" in page and "$330.00" in page and "$17.50" in page
    assert "<code>L6</code>" in page and "<code>WO</code>" in page
    assert not [word for word in PHI if word in page]


def test_the_upload_page_shows_the_835_and_that_row_numbers_are_segments(w, remit):
    client = signed_in(w.a.email("viewer"))
    full = remit["remittance_full.835"]["upload_id"]
    page = text(client.get(f"/uploads/{full}"))
    assert "835 remittances" in page and "1 of 1" in page
    assert f"/remittances?upload_id={full}" in page
    reversal = text(client.get(f"/uploads/{remit['reversal_pair.835']['upload_id']}"))
    assert "outcome.reversal" in reversal  # a row warning, numbered by its segment
    assert "segment numbers of the 835 file" in reversal
    assert "Reversals replaced by their re-adjudication</th><td>1" in reversal
    assert not [word for word in PHI if word in page + reversal]


def test_another_tenant_sees_neither(w, remit):
    client = signed_in(w.b.email("owner"))
    assert "ACME HEALTH PLAN" not in text(client.get("/remittances"))
    upload_id = remit["remittance_full.835"]["upload_id"]
    assert client.get(f"/uploads/{upload_id}").status_code == 404
