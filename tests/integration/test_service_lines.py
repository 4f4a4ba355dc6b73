"""Service lines (SPEC 2.2, 2.5; DESIGN 4): line-level exports, line identity, lag basis,
append-only uploads and rollups that always equal the lines."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from common.commands.ingest import ingest_file
from common.db.uow import UnitOfWork
from common.services import rollups
from common.services.customers import create_customer
from tests.ingest_helpers import claims_insert_fails_when, csv_bytes

# A payment-detail export: one row per CPT, claim id repeated, no line numbers, 99213 twice.
LINE_LEVEL = "Clm Nbr,Payer Name,CPT Code,Date Submitted,Remit Date,Status,Paid Date,Charge,Paid"
LINES = [
    "C1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00",
    "C1,Aetna,80053,2026-01-05,2026-01-20,denied,,60.00,0",
    "C1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00",
    "C2,Cigna,71046-26,2026-01-06,2026-01-22,paid,2026-01-30,180.00,120.00",
]
ERA = "Claim ID,Line,Payer,CPT,DOS,Remit Date,Status,Paid Date,Charge,Paid"


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.fixture
def ingest(app, acme, tmp_path):
    def run(header: str, *rows: str, name: str = "claims.csv") -> dict:
        path = tmp_path / name
        path.write_bytes(csv_bytes(*rows, header=header.replace("Clm Nbr", "Claim Number")))
        return ingest_file(app, path, "acme")

    return run


def _lines(owner, columns="claim_id, cpt, outcome"):
    with owner.connect() as conn:
        return conn.execute(text(f"SELECT {columns} FROM claims ORDER BY line_key")).all()


def _verify(app, customer_id):
    with UnitOfWork(app.engine).transaction(customer_id) as conn:
        return rollups.verify(conn, customer_id)


def test_a_line_level_export_loads_every_line(ingest, owner, app, acme):
    report = ingest(LINE_LEVEL, *LINES)
    assert (report["status"], report["rows_accepted"], report["rejections"]) == ("loaded", 4, {})
    assert report["lines"] == {"new_lines": 4, "updated_lines": 0, "unchanged_lines": 0}
    assert _lines(owner, "claim_id, cpt, cpt_modifiers") == [
        ("C1", "80053", None),
        ("C1", "99213", None),
        ("C1", "99213", None),
        ("C2", "71046", "26"),
    ]
    assert _verify(app, acme.id) == []


def test_a_resend_updates_the_one_line_that_changed_and_keeps_its_history(ingest, owner, app, acme):
    ingest(LINE_LEVEL, *LINES)
    appealed = LINES[1].replace("denied,,60.00,0", "paid,2026-02-10,60.00,45.00")
    report = ingest(LINE_LEVEL, LINES[0], appealed, *LINES[2:], name="resend.csv")
    assert report["lines"] == {"new_lines": 0, "updated_lines": 1, "unchanged_lines": 3}
    assert [o for _, cpt, o in _lines(owner) if cpt == "80053"] == ["PAID"]
    with owner.connect() as conn:
        versions = conn.execute(text("SELECT cpt, outcome FROM claim_versions")).all()
    assert versions == [("80053", "DENIED")]
    assert _verify(app, acme.id) == []


def test_line_numbers_are_the_identity_and_a_repeated_one_is_a_duplicate(ingest, owner):
    report = ingest(
        ERA,
        "C1,1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00",
        "C1,2,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00",
        "C1,2,Aetna,80053,2026-01-05,2026-01-20,denied,,60.00,0",
    )
    assert report["rejection_samples"] == {"duplicate.row": [3]}
    assert _lines(owner, "line_number, cpt") == [(1, "99213"), (2, "99213")]


def test_service_date_stands_in_for_a_missing_submission_date(ingest, owner, app, acme):
    report = ingest(ERA, "C1,1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00")
    assert report["status"] == "loaded" and report["lag_basis"] == "service_date"
    with owner.connect() as conn:
        row = conn.execute(
            text("SELECT decision_days, payment_days, n_lag_service FROM claim_rollups")
        ).one()
    assert tuple(row) == (15, 20, 1)
    assert _verify(app, acme.id) == []


def test_a_file_with_neither_date_names_both_ways_to_fix_it(ingest):
    report = ingest("Claim ID,Payer,CPT,Remit Date,Status", "C1,Aetna,99213,2026-01-20,paid")
    assert report["rejections"] == {"header.missing_required": 1}
    assert "or a service_date column" in report["message"]


def test_lines_without_a_claim_id_load_with_a_warning(ingest):
    header = "Payer,CPT,Date Submitted,Remit Date,Status"
    report = ingest(header, "Aetna,99213,2026-01-05,2026-01-20,paid")
    assert report["status"] == "loaded" and report["lag_basis"] == "submitted_date"
    (anomaly,) = [a for a in report["anomalies"] if a["code"] == "identity.no_claim_id"]
    assert anomaly["lines"] == 1 and "adds lines instead of updating" in anomaly["message"]


def test_a_bad_line_number_rejects_the_row(ingest):
    report = ingest(ERA, "C1,x,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00")
    assert report["rejections"] == {"line_number.invalid": 1}


def test_a_crash_mid_resend_leaves_the_lines_and_rollups_as_they_were(app, acme, owner, tmp_path):
    ingest_file(app, _file(tmp_path, "first.csv", LINES[:2]), "acme")
    with owner.connect() as conn:
        before = conn.execute(text("SELECT * FROM claim_rollups ORDER BY day, payer")).all()
    with (
        claims_insert_fails_when(owner, "TRUE"),  # after the changed line was updated
        pytest.raises(Exception, match="injected crash"),
    ):
        appealed = LINES[1].replace("denied,,60.00,0", "paid,2026-02-10,60.00,45.00")
        ingest_file(app, _file(tmp_path, "second.csv", [LINES[0], appealed, *LINES[2:]]), "acme")
    assert [o for *_, o in _lines(owner)] == ["DENIED", "PAID"]
    with owner.connect() as conn:
        after = conn.execute(text("SELECT * FROM claim_rollups ORDER BY day, payer")).all()
    assert after == before


def _file(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(csv_bytes(*rows, header=LINE_LEVEL.replace("Clm Nbr", "Claim Number")))
    return path


def test_a_loaded_upload_cannot_be_deleted_even_by_the_table_owner(ingest, owner, app, acme):
    ingest(LINE_LEVEL, *LINES)
    with pytest.raises(DBAPIError, match="cannot be deleted"), owner.begin() as conn:
        conn.execute(text("DELETE FROM uploads"))
    app_role = UnitOfWork(app.engine).transaction(acme.id)
    with pytest.raises(DBAPIError, match="permission denied"), app_role as conn:
        conn.execute(text("DELETE FROM uploads"))
