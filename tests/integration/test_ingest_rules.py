"""Bad input, each with its exact report (SPEC 2): nothing half-loaded, nothing lost."""

import pytest

from common.commands.ingest import ingest_file
from common.services.customers import create_customer
from tests.ingest_helpers import HEADER, claims_insert_fails_when, count, csv_bytes

OK_ROW = "A1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00,100.00,,"


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.fixture
def ingest(app, acme, tmp_path):
    def run(body: bytes, name: str = "claims.csv") -> dict:
        path = tmp_path / name
        path.write_bytes(body)
        return ingest_file(app, path, "acme")

    return run


def test_header_missing_required_fields_rejects_the_file(ingest, owner):
    report = ingest(b"claim_id,payer,cpt\nA1,Aetna,99213\n")
    assert report["status"] == "rejected"
    assert report["rows_accepted"] == 0
    assert "submitted_date" in report["message"] and "outcome" in report["message"]
    assert "date submitted" in report["message"].lower()  # aliases tried are named
    assert count(owner, "claims") == 0


def test_bom_crlf_semicolons(ingest, owner):
    header = HEADER.replace(",", ";")
    row = OK_ROW.replace(",", ";")
    body = b"\xef\xbb\xbf" + csv_bytes(row, header=header, newline="\r\n")
    report = ingest(body)
    assert report["status"] == "loaded", report
    assert report["delimiter"] == ";"
    assert report["rows_accepted"] == 1


def test_cp1252_file_is_read_and_recorded(ingest, owner):
    body = (
        "Payer Name,CPT Code,Date Submitted,Adjudication Date,Status,Denial Reason\n"
        "Société Générale Santé,99213,2026-01-05,2026-01-20,paid,\n"
    ).encode("cp1252")
    report = ingest(body)
    assert report["status"] == "loaded", report
    assert report["encoding"] == "cp1252"
    from sqlalchemy import text

    with owner.connect() as conn:
        assert conn.execute(text("SELECT payer FROM claims")).scalar() == "Société Générale Santé"


def test_every_accepted_date_format_and_rejected_ones(ingest):
    rows = [
        f"D{i},Aetna,99213,{d},2026-01-20,paid,,,,"
        for i, d in enumerate(
            ["2026-01-05", "01/05/2026", "1/5/2026", "2026/01/05", "01-05-2026", "20260105"]
        )
    ]
    bad = [
        f"X{i},Aetna,99213,{d},2026-01-20,paid,,,,"
        for i, d in enumerate(["01/05/26", "2026-02-30", "2026-13-01", "yesterday"])
    ]
    header = (
        "claim_id,payer,cpt,submitted_date,decided_date,outcome,payment_date,billed,allowed,paid"
    )
    report = ingest(csv_bytes(*rows, *bad, header=header))
    assert report["status"] == "partial"
    assert report["rows_accepted"] == 6
    assert report["rejections"] == {"date.invalid": 4}
    assert report["rejection_samples"]["date.invalid"] == [7, 8, 9, 10]


def test_money_forms(ingest, owner):
    header = "claim_id,payer,cpt,submitted_date,decided_date,outcome,billed,allowed,paid"
    report = ingest(
        csv_bytes(
            'M1,Aetna,99213,2026-01-05,2026-01-20,paid,"$1,234.56",100,100',
            "M2,Aetna,99213,2026-01-05,2026-01-20,paid,,,",
            "M3,Aetna,99213,2026-01-05,2026-01-20,paid,(12.00),,",
            "M4,Aetna,99213,2026-01-05,2026-01-20,paid,-5.00,,",
            "M5,Aetna,99213,2026-01-05,2026-01-20,paid,12abc,,",
            header=header,
        )
    )
    assert report["rows_accepted"] == 2
    assert report["rejections"] == {"money.invalid": 1, "money.negative": 2}
    from sqlalchemy import text

    with owner.connect() as conn:
        billed = dict(conn.execute(text("SELECT claim_id, billed_amount FROM claims")).all())
    assert str(billed["M1"]) == "1234.56" and billed["M2"] is None


def test_date_order_and_future(ingest):
    header = "claim_id,payer,cpt,submitted_date,decided_date,outcome,payment_date"
    report = ingest(
        csv_bytes(
            "O1,Aetna,99213,2026-01-20,2026-01-05,paid,",
            "O2,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-10",
            "F1,Aetna,99213,2026-01-05,2099-01-20,paid,",
            "OK,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25",
            header=header,
        )
    )
    assert report["rejections"] == {"date.order": 2, "date.future": 1}
    assert report["rows_accepted"] == 1


def test_unknown_outcome_is_a_warning_and_loads(ingest):
    header = "claim_id,payer,cpt,submitted_date,decided_date,outcome"
    report = ingest(
        csv_bytes(
            "P1,Aetna,99213,2026-01-05,,appealed",
            "P2,Aetna,99213,2026-01-05,2026-01-20,paid",
            header=header,
        )
    )
    assert report["status"] == "loaded"
    assert report["rows_warning"] == 1 and report["warnings"] == {"outcome.unknown": 1}


def test_empty_file_and_header_only(ingest):
    assert ingest(b"", "empty.csv")["status"] == "rejected"
    report = ingest(csv_bytes(), "header-only.csv")
    assert report["status"] == "rejected"
    assert report["rows_total"] == 0 and "no data rows" in report["message"]


def test_same_bytes_under_a_new_name_is_a_duplicate(ingest, owner):
    body = csv_bytes(OK_ROW)
    assert ingest(body, "one.csv")["status"] == "loaded"
    second = ingest(body, "two.csv")
    assert second["status"] == "duplicate"
    assert second["rows_accepted"] == 0
    assert count(owner, "claims") == 1


def test_corrected_resend_updates_the_claim_and_keeps_history(ingest, owner):
    denied = "C9,Aetna,99213,2026-01-05,2026-01-20,denied,,150,100,0,CO-50,Not necessary"
    paid = "C9,Aetna,99213,2026-01-05,2026-02-20,paid,2026-02-25,150,100,100,,"
    ingest(csv_bytes(denied), "first.csv")
    report = ingest(csv_bytes(paid), "appeal.csv")
    assert report["lines"] == {"new_lines": 0, "updated_lines": 1, "unchanged_lines": 0}
    from sqlalchemy import text

    with owner.connect() as conn:
        assert conn.execute(text("SELECT outcome FROM claims")).all() == [("PAID",)]
        assert conn.execute(text("SELECT outcome FROM claim_versions")).all() == [("DENIED",)]


def test_a_repeated_line_number_in_one_file_is_a_duplicate(ingest):
    header = "line," + HEADER
    report = ingest(
        csv_bytes("1," + OK_ROW, "1," + OK_ROW.replace("150.00", "151.00"), header=header)
    )
    assert report["rejections"] == {"duplicate.row": 1}
    assert report["rows_accepted"] == 1 and report["status"] == "partial"


def test_the_same_code_twice_in_a_claim_is_two_lines(ingest, owner):
    from sqlalchemy import text

    report = ingest(csv_bytes(OK_ROW, OK_ROW.replace("150.00", "151.00")))
    assert report["rejections"] == {} and report["lines"]["new_lines"] == 2
    with owner.connect() as conn:
        keys = conn.execute(text("SELECT line_key FROM claims ORDER BY line_key")).scalars()
        assert [k.rsplit("\x1f", 1)[1] for k in keys] == ["000001", "000002"]


def test_crash_mid_load_leaves_nothing_and_can_be_retried(app, acme, owner, tmp_path):
    from sqlalchemy import text

    from common.services.ingest import ObjectEvent

    blob = app.inbox.write("acme/crash.csv", csv_bytes(OK_ROW))
    event = ObjectEvent("inbox", blob.name, blob.generation, blob.size)
    with (
        claims_insert_fails_when(owner, "true"),
        pytest.raises(Exception, match="injected crash"),
    ):
        app.ingestor().ingest(event)
    assert count(owner, "claims") == 0
    with owner.connect() as conn:
        assert conn.execute(text("SELECT status FROM uploads")).scalar() == "failed"
    retried = app.ingestor().ingest(event)
    assert retried["status"] == "loaded"
    assert count(owner, "claims") == 1


def test_unclosed_quote_swallows_the_rest_and_that_row_is_rejected(ingest, owner):
    body = csv_bytes(OK_ROW, 'A2,"Aetna,99213,2026-01-05,2026-01-20,paid,,,,,,')
    report = ingest(body)
    assert report["status"] == "partial"
    assert report["rows_accepted"] == 1 and report["rows_rejected"] == 1
    assert report["rejection_samples"]["required.cpt"] == [2]
    assert count(owner, "claims") == 1
