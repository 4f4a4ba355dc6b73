"""835 files through the shared load path (SPEC 2.7): lines, adjustments, remittances, PLB,
reversals with history, envelope warnings, malformed files rejected whole, no PHI stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from common.commands.ingest import ingest_file
from common.db import schema
from common.devtools.x12_synth import RemitOptions, write_remittance_835
from common.services.customers import create_customer
from tests.ingest_helpers import csv_bytes, drop_and_fire

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"
PHI = ("DOE", "JANE", "ROE", "RICHARD", "POE", "EDGAR", "MEMBER", "MRN778899")


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.fixture
def ingest(app, acme, tmp_path):
    def run(fixture: str, name: str | None = None) -> dict:
        path = tmp_path / (name or fixture)
        shutil.copy(FIXTURES / fixture, path)
        return ingest_file(app, path, "acme")

    return run


def rows(owner, query: str, **params) -> list[dict]:
    with owner.connect() as conn:
        return [dict(r) for r in conn.execute(text(query), params).mappings()]


def test_a_remittance_loads_its_lines_adjustments_and_plb(ingest, owner):
    report = ingest("remittance_full.835")
    assert report["status"] == "loaded", report
    assert (report["rows_total"], report["rows_accepted"]) == (4, 4)
    assert report["remittance"]["transactions"] == report["remittance"]["balanced"] == 1
    assert report["remittance"]["unbalanced"] == []
    assert report["remittance"]["envelope_warnings"] == []
    lines = rows(owner, "SELECT * FROM claims ORDER BY line_key")
    paid = {}
    for line in lines:
        paid[line["claim_id"]] = paid.get(line["claim_id"], 0) + float(line["paid_amount"])
    assert paid == {"PCN1001": 200.0, "PCN1002": 0.0, "PCN1003": 130.0}  # CLP04 per claim
    by_cpt = {ln["cpt"]: ln for ln in lines}
    assert by_cpt["71046"]["outcome"] == "DENIED"
    assert by_cpt["71046"]["denial_reason_code"] == "CO-50"
    assert by_cpt["99213"]["cpt_modifiers"] == "25"
    assert by_cpt["99213"]["line_key"].endswith("\x1fr1")  # REF*6R is the line identity
    adjustments = rows(
        owner,
        "SELECT c.cpt, a.group_code, a.reason_code, a.amount, a.family FROM line_adjustments a "
        "JOIN claims c ON c.line_key = a.line_key ORDER BY c.cpt, a.position",
    )
    assert [(a["cpt"], a["group_code"], a["reason_code"], float(a["amount"]), a["family"])
            for a in adjustments if a["cpt"] == "99214"] == [
        ("99214", "PR", "1", 50.0, "patient_responsibility"),
        ("99214", "PR", "2", 40.0, "patient_responsibility"),
        ("99214", "CO", "45", 30.0, "contractual"),
    ]  # fmt: skip
    (remittance,) = rows(owner, "SELECT * FROM remittances")
    assert remittance["payer"] == "ACME HEALTH PLAN" and remittance["balanced"] is True
    assert float(remittance["payment_amount"]) == 312.5
    assert float(remittance["claims_paid"]) == 330.0
    assert float(remittance["provider_adjustments_total"]) == 17.5
    plb = rows(owner, "SELECT reason, amount FROM provider_adjustments ORDER BY id")
    assert [(p["reason"], float(p["amount"])) for p in plb] == [("L6", -2.5), ("WO", 20.0)]


def test_a_reversal_updates_the_earlier_lines_and_keeps_their_history(ingest, owner):
    ingest("remittance_full.835")
    report = ingest("reversal_pair.835")
    assert report["status"] == "loaded", report
    assert report["remittance"]["reversals_replaced"] == 1
    assert report["lines"] == {"new_lines": 2, "updated_lines": 3, "unchanged_lines": 0}
    assert report["warnings"] == {"outcome.reversal": 1}
    lines = {(ln["claim_id"], ln["cpt"]): ln for ln in rows(owner, "SELECT * FROM claims")}
    assert float(lines[("PCN1001", "99213")]["paid_amount"]) == 80.0
    reversed_line = lines[("PCN1003", "99214")]
    assert (reversed_line["outcome"], float(reversed_line["paid_amount"])) == ("OTHER", 0.0)
    versions = rows(owner, "SELECT claim_id, outcome, paid_amount FROM claim_versions")
    assert sorted((v["claim_id"], float(v["paid_amount"])) for v in versions) == [
        ("PCN1001", 100.0), ("PCN1001", 100.0), ("PCN1003", 130.0),
    ]  # fmt: skip
    # The current version's adjustments are the re-adjudication's; the first version's stay.
    current = rows(
        owner,
        "SELECT a.reason_code, a.amount FROM line_adjustments a JOIN claims c "
        "ON c.line_key = a.line_key AND c.upload_id = a.upload_id "
        "WHERE c.claim_id = 'PCN1001' AND c.cpt = '99213' ORDER BY a.position",
    )
    assert [(a["reason_code"], float(a["amount"])) for a in current] == [("45", 50.0), ("2", 20.0)]
    assert len(rows(owner, "SELECT * FROM remittances")) == 2


def test_two_transactions_make_two_remittances_and_a_claim_level_line(ingest, owner):
    report = ingest("two_transactions.835", "remit.edi")
    assert report["status"] == "loaded", report
    remittances = rows(owner, "SELECT payer, balanced, claims FROM remittances ORDER BY segment")
    assert [(r["payer"], r["balanced"], r["claims"]) for r in remittances] == [
        ("ACME HEALTH PLAN", True, 1), ("SUMMIT MUTUAL INSURANCE", True, 2),
    ]  # fmt: skip
    (claim_level,) = rows(owner, "SELECT * FROM claims WHERE claim_id = 'PCN2003'")
    assert claim_level["cpt"] is None and claim_level["cpt_group"] == "OTHER"
    assert claim_level["outcome"] == "DENIED"


def test_envelope_faults_warn_and_the_claims_load(ingest, owner):
    report = ingest("envelope_broken.835", "broken.era")
    assert report["status"] == "loaded", report
    assert report["warnings"] == {"x12.envelope": 2}
    messages = [w["message"] for w in report["remittance"]["envelope_warnings"]]
    assert "the interchange has no IEA trailer" in messages
    assert len(rows(owner, "SELECT id FROM claims")) == 1


def test_a_malformed_file_is_rejected_whole_with_the_segment_number(ingest, owner):
    report = ingest("claim_without_id.835")
    assert report["status"] == "rejected"
    assert report["rejections"] == {"x12.malformed": 1}
    assert "segment 6" in report["message"]
    assert rows(owner, "SELECT id FROM claims") == []
    assert rows(owner, "SELECT id FROM remittances") == []


def test_a_remittance_that_does_not_balance_is_named_in_the_report(app, acme, tmp_path, owner):
    text = (FIXTURES / "remittance_full.835").read_text().replace("BPR*I*312.5*", "BPR*I*300*")
    (tmp_path / "off.835").write_text(text)
    report = ingest_file(app, tmp_path / "off.835", "acme")
    assert report["remittance"]["balanced"] == 0
    assert report["remittance"]["unbalanced"] == [
        {"segment": 3, "payer": "ACME HEALTH PLAN", "payment_amount": 300.0,
         "claims_paid": 330.0, "provider_adjustments_total": 17.5},
    ]  # fmt: skip
    assert rows(owner, "SELECT balanced FROM remittances") == [{"balanced": False}]


def test_a_txt_file_starting_with_isa_reads_as_an_835(ingest):
    report = ingest("remittance_full.835", "export.txt")
    assert report["status"] == "loaded" and report["remittance"]["format"] == "x12-835"


def test_the_ingest_function_loads_an_835_and_stores_no_patient_identifier(app, acme, owner):
    body = (FIXTURES / "reversal_pair.835").read_bytes()
    response, _ = drop_and_fire(app, "acme/era/remit.835", body)
    assert response.status_code in (200, 204), response.data
    assert rows(owner, "SELECT status FROM uploads")[0]["status"] == "loaded"
    stored = []
    with owner.connect() as conn:
        for table in schema.metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):
                stored.append(repr(tuple(row)))
    dump = "\n".join(stored)
    assert "PCN1005" in dump  # the claims are there
    assert not [w for w in PHI if w in dump]


def test_generated_volume_loads_with_every_total_equal_to_the_file(app, acme, owner, tmp_path):
    path = tmp_path / "volume.835"
    opts = RemitOptions(lines=3_000, payers=("Aetna", "Cigna"), days=60)
    written = write_remittance_835(path, opts, keep_claims=True)
    report = ingest_file(app, path, "acme")
    assert report["status"] == "loaded", report
    assert report["rows_accepted"] == written.lines == 3_000
    assert report["remittance"]["transactions"] == written.transactions
    paid = rows(owner, "SELECT claim_id, sum(paid_amount) AS paid FROM claims GROUP BY claim_id")
    assert {p["claim_id"]: float(p["paid"]) for p in paid} == pytest.approx(written.paid_by_claim)
    (sums,) = rows(
        owner,
        "SELECT sum(payment_amount) AS payments, sum(provider_adjustments_total) AS plb, "
        "bool_and(balanced) AS balanced, count(*) AS n FROM remittances",
    )
    assert sums["n"] == written.transactions and sums["balanced"] is True
    assert float(sums["payments"]) == pytest.approx(written.payments)
    assert float(sums["plb"]) == pytest.approx(written.provider_adjustments)
    with owner.connect() as conn:
        dump = repr(conn.execute(text("SELECT * FROM claims")).all())
    assert "SYNTHETIC" not in dump and "SYNTHMEMBER" not in dump


@pytest.mark.parametrize("loaded_before", [False, True], ids=["first-upload", "later-upload"])
def test_a_repeated_claim_in_one_file_keeps_one_set_of_adjustments(
    app, acme, tmp_path, owner, loaded_before
):
    if loaded_before:
        (tmp_path / "two.835").write_bytes((FIXTURES / "two_transactions.835").read_bytes())
        assert ingest_file(app, tmp_path / "two.835", "acme")["status"] == "loaded"
    text_ = (FIXTURES / "remittance_full.835").read_text()
    # PCN1001's lines carry REF*6R: the same lines again, not a second 99213
    paid = text_[text_.index("CLP*PCN1001") : text_.index("CLP*PCN1002")]
    repeated = text_.replace(paid, paid + paid).replace("SE*43*0001", "SE*60*0001")
    (tmp_path / "repeat.835").write_text(repeated)
    report = ingest_file(app, tmp_path / "repeat.835", "acme")
    assert report["rejections"] == {"duplicate.row": 2}, report
    assert report["remittance"]["envelope_warnings"] == []
    found = rows(
        owner,
        "SELECT a.reason_code FROM line_adjustments a JOIN claims c ON c.line_key = a.line_key "
        "AND c.upload_id = a.upload_id WHERE c.claim_id = 'PCN1001' AND c.cpt = '99213' "
        "ORDER BY a.position",
    )
    assert [a["reason_code"] for a in found] == ["45", "2"]


def test_a_resent_remittance_is_one_payment(app, acme, tmp_path, owner):
    body = (FIXTURES / "remittance_full.835").read_bytes()
    for name, data in (("first.835", body), ("again.835", body + b"\n")):  # other bytes
        (tmp_path / name).write_bytes(data)
        assert ingest_file(app, tmp_path / name, "acme")["status"] == "loaded"
    assert len(rows(owner, "SELECT id FROM remittances")) == 1
    assert len(rows(owner, "SELECT id FROM provider_adjustments")) == 2


def test_a_file_whose_lines_all_fail_records_no_payment(app, acme, tmp_path, owner):
    text_ = (FIXTURES / "two_transactions.835").read_text()
    bad = text_.replace("N1*PR*ACME HEALTH PLAN", "N1*PR*John Smith").replace(
        "N1*PR*SUMMIT MUTUAL INSURANCE", "N1*PR*Jane Doe"
    )
    (tmp_path / "people.835").write_text(bad)
    report = ingest_file(app, tmp_path / "people.835", "acme")
    assert report["status"] == "rejected"
    assert report["rejections"] == {"phi.person_name": 3}
    assert rows(owner, "SELECT id FROM remittances") == []


def test_an_835s_upper_case_payer_is_the_payer_the_export_spells_otherwise(
    app, acme, tmp_path, owner
):
    export = tmp_path / "export.csv"
    export.write_bytes(
        csv_bytes("E1,Acme Health Plan,99213,2026-11-01,2026-11-10,paid,2026-11-12,150,100,100,,")
    )
    assert ingest_file(app, export, "acme")["status"] == "loaded"
    (tmp_path / "era.835").write_bytes((FIXTURES / "remittance_full.835").read_bytes())
    assert ingest_file(app, tmp_path / "era.835", "acme")["status"] == "loaded"
    payers = {r["payer"] for r in rows(owner, "SELECT DISTINCT payer FROM claims")}
    assert payers == {"Acme Health Plan"}  # not a second payer ACME HEALTH PLAN
    assert [r["payer"] for r in rows(owner, "SELECT payer FROM remittances")] == [
        "Acme Health Plan"
    ]
