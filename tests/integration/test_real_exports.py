"""Files as real practice-management systems write them (SPEC 2.2–2.6), each with its report."""

import json
import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from common.commands.ingest import ingest_file
from common.services.customers import create_customer, set_date_order
from common.services.mappings import create_mapping
from tests.ingest_helpers import count, latest_upload

TODAY = date.today()


def day(offset: int) -> date:
    """A date `offset` days before today (recent data: no `data.stale` unless a test wants it)."""
    return TODAY - timedelta(days=offset)


def us(d: date) -> str:
    return d.strftime("%m/%d/%Y")


def eu(d: date) -> str:
    return d.strftime("%d/%m/%Y")


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


def lines(owner, columns: str = "claim_id, cpt, outcome, billed_amount, paid_amount") -> list:
    with owner.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT {columns} FROM claims ORDER BY 1, 2"))]


def codes(report: dict) -> list[str]:
    return sorted(a["code"] for a in report["anomalies"])


# A NextGen-style "ERA Import Posting Report": title lines, line level, X12 status codes,
# abbreviated headers, a PHI column, no submission date (lags run from the date of service).
NEXTGEN = "\r\n".join(
    [
        "ERA Import Posting Report",
        f"Generated on {us(day(1))} 07:00 AM,,,,,,,,,,",
        "Clm Nbr,Ln #,Pyr Nam,Pat Name,CPT,DOS,Remit Date,Clm Sts Cod,Bill Amt,Allwd Amt,Pd Amt,"
        "Reason Cd",
        f"C100,1,Aetna,Jane Doe,99213,{us(day(20))},{us(day(5))},1,150.00,100.00,100.00,",
        f"C100,2,Aetna,Jane Doe,85025,{us(day(20))},{us(day(5))},4,40.00,0.00,0.00,CO-50",
        f"C101,1,Cigna,Ann Lee,99214,{us(day(18))},{us(day(4))},2,200.00,150.00,150.00,",
        f"C102,1,Cigna,Ann Lee,99214,{us(day(18))},{us(day(4))},22,200.00,0.00,0.00,",
        f"C103,1,Humana,Bob Ray,99215,{us(day(15))},{us(day(3))},19,300.00,200.00,200.00,",
        "",
    ]
).encode()


def test_nextgen_era_posting_report(ingest, owner):
    report = ingest(NEXTGEN)
    assert report["status"] == "loaded"
    assert (report["rows_total"], report["rows_accepted"], report["rows_rejected"]) == (5, 5, 0)
    assert report["rows_skipped"] == 0
    assert report["preamble_lines"] == 2
    assert report["lag_basis"] == "service_date"
    assert report["warnings"] == {"outcome.reversal": 1}
    assert report["warning_samples"] == {"outcome.reversal": [4]}
    assert report["columns"]["dropped_phi"] == ["Pat Name"]
    assert report["columns"]["ignored"] == []
    assert report["lines"] == {"new_lines": 5, "updated_lines": 0, "unchanged_lines": 0}
    assert lines(owner, "claim_id, line_number, outcome, denial_reason_code") == [
        ("C100", 1, "PAID", None),
        ("C100", 2, "DENIED", "CO-50"),
        ("C101", 1, "PAID", None),
        ("C102", 1, "OTHER", None),
        ("C103", 1, "PAID", None),
    ]
    assert "Jane Doe" not in json.dumps(report) and "Jane" not in str(lines(owner, "*"))


def test_utf16_tab_file_from_excel_unicode_text(ingest, owner, capsys):
    rows = [
        "Claim ID\tPayer\tCPT\tDate Submitted\tAdjudication Date\tStatus\tPaid",
        f"U1\tSociété Générale Santé\t99213\t{day(30)}\t{day(10)}\tPaid\t80.00",
        f"U2\tAetna\t99214\t{day(30)}\t{day(10)}\tDenied\t",
    ]
    for codec, label in (("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be")):
        body = "\r\n".join(rows).encode(codec)
        if codec == "utf-16-be":
            body = b"\xfe\xff" + body
        report = ingest(body, name=f"{codec}.txt")
        assert report["status"] == "loaded", report
        assert (report["encoding"], report["delimiter"]) == (label, "\t")
        assert report["rows_accepted"] == 2
    assert ("U1", "99213", "PAID", None, 80) in [
        (c, p, o, b, int(a) if a is not None else None) for c, p, o, b, a in lines(owner)
    ]


def test_nul_bytes_without_a_bom_reject_the_file_not_fail_it(ingest, owner):
    body = "payer,cpt,submitted,decided,status\nAetna,99213,2026-01-05,2026-01-20,paid\n"
    report = ingest(body.encode("utf-16-le"))  # UTF-16 without the byte-order mark
    assert report["status"] == "rejected"
    assert report["rejections"] == {"file.encoding": 1}
    assert "NUL" in report["message"]
    assert latest_upload(owner)["status"] == "rejected"
    assert count(owner, "claims") == 0


def test_control_characters_in_the_header_reject_the_file(ingest):
    report = ingest(
        b"pay\x01er,cpt,submitted,decided,status\nAetna,99213,2026-01-05,2026-01-20,paid\n"
    )
    assert (report["status"], report["rejections"]) == ("rejected", {"file.encoding": 1})


DAY_FIRST = "claim_id,payer,cpt,submitted_date,decided_date,outcome\n"


def test_day_first_file_is_read_day_first(ingest, owner):
    submitted, decided = date(2026, 5, 3), date(2026, 5, 11)  # 8 days; 03/05 fits both orders
    body = DAY_FIRST + "".join(
        f"D{i},Aetna,99213,{eu(submitted)},{eu(decided + timedelta(days=i))},paid\n"
        for i in range(3)
    )  # the decided dates 11/05, 12/05 fit both orders; 13/05 only day-first
    report = ingest(body.encode())
    assert report["status"] == "loaded"
    assert report["date_order"] == "DMY"
    with owner.connect() as conn:
        lags = conn.execute(text("SELECT decided_date - submitted_date FROM claims ORDER BY 1"))
        assert [r[0] for r in lags] == [8, 9, 10]


def test_both_orders_in_one_file_reject_it_whole(ingest, owner):
    body = (
        DAY_FIRST
        + "A1,Aetna,99213,13/05/2026,20/05/2026,paid\nA2,Aetna,99213,05/13/2026,05/20/2026,paid\n"
    )
    report = ingest(body.encode())
    assert report["status"] == "rejected"
    assert report["rejections"] == {"date.ambiguous_order": 1}
    assert report["rejection_samples"] == {"date.ambiguous_order": [1, 2]}
    assert "rows 1" in report["message"] and "rows 2" in report["message"]
    assert count(owner, "claims") == 0


def test_every_date_fits_both_orders_month_first_unless_the_customer_says_dmy(ingest, owner, app):
    body = DAY_FIRST + "A1,Aetna,99213,03/05/2026,04/05/2026,paid\n"
    report = ingest(body.encode())
    assert report["date_order"] == "MDY"
    assert lines(owner, "submitted_date, decided_date") == [(date(2026, 3, 5), date(2026, 4, 5))]
    set_date_order(app.uow, "acme", "DMY", "test")
    report = ingest((DAY_FIRST + "B1,Aetna,99213,03/05/2026,04/05/2026,paid\n").encode())
    assert report["date_order"] == "DMY"
    with owner.connect() as conn:
        row = conn.execute(text("SELECT submitted_date FROM claims WHERE claim_id = 'B1'")).one()
    assert row[0] == date(2026, 5, 3)


def test_day_first_evidence_past_the_first_rows_rereads_the_file(ingest, owner):
    from common.services.ingest.load import PROBE_ROWS

    ambiguous = "".join(
        f"A{i},Aetna,99213,03/05/2026,04/05/2026,paid\n" for i in range(PROBE_ROWS + 10)
    )
    report = ingest(
        (DAY_FIRST + ambiguous + "Z1,Aetna,99213,03/05/2026,14/05/2026,paid\n").encode()
    )
    assert (report["status"], report["date_order"]) == ("loaded", "DMY")
    assert report["rows_accepted"] == PROBE_ROWS + 11
    with owner.connect() as conn:
        months = conn.execute(
            text("SELECT DISTINCT extract(month FROM submitted_date) FROM claims")
        )
        assert [int(m[0]) for m in months] == [5]


def test_datetimes_are_dates_as_written(ingest, owner):
    body = DAY_FIRST + "".join(
        [
            f"T1,Aetna,99213,{day(30)}T00:00:00Z,{day(10)}T23:30:00-05:00,paid\n",
            f"T2,Aetna,99213,{day(30)} 00:00:00,{day(10)} 14:30:00,paid\n",
            f"T3,Aetna,99213,{us(day(30))} 0:00,{us(day(10))} 02:30 PM,paid\n",
        ]
    )
    report = ingest(body.encode())
    assert report["rows_accepted"] == 3, report["rejections"]
    assert set(lines(owner, "submitted_date, decided_date")) == {(day(30), day(10))}


EXCEL_HEADER = (
    "Claim #,Payer Name,CPT Code,Claim Sent Date,Process Date,Claim Status,Bill Amt,Allwd Amt,"
    "Pd Amt,Denial Code,Denial Reason\n"
)


def test_excel_accounting_zeros_placeholders_and_money_shapes(ingest, owner):
    s, d = day(30), day(10)
    body = EXCEL_HEADER + "".join(
        [
            f'E1,Aetna,99213,{s},{d},Denied,"$150.00",$ -,$ - ,N/A,#N/A\n',
            f"E2,Aetna,99213,{s},{d},Paid,-,null,NULL,none,(blank)\n",
            f"E3,Aetna,99213.0,{s},{d},Paid,$ 1,0,0,--,-\n",
            f'E4,Aetna,99213,{s},{d},Paid,"$ (12.00)",,,,\n',
            f"E5,Aetna,99213,{s},{d},Paid,1234.00-,,,,\n",
        ]
    )
    report = ingest(body.encode())
    assert (report["rows_accepted"], report["rows_rejected"]) == (3, 2)
    assert report["rejections"] == {"money.negative": 2}
    assert report["rejection_samples"] == {"money.negative": [4, 5]}
    assert report["rejection_columns"] == {"money.negative": ["billed_amount"]}
    got = lines(
        owner,
        "claim_id, cpt, billed_amount, allowed_amount, paid_amount, denial_reason_code, "
        "denial_reason_text",
    )
    assert [tuple(str(v) if v is not None else None for v in row) for row in got] == [
        ("E1", "99213", "150.00", "0.00", "0.00", None, None),
        ("E2", "99213", None, None, None, None, None),
        ("E3", "99213", "1.00", "0.00", "0.00", None, None),
    ]


def test_decimal_commas_in_a_semicolon_file(ingest, owner):
    s, d = day(30), day(10)
    body = (
        "claim_id;payer;cpt;submitted_date;decided_date;outcome;billed_amount;paid_amount\n"
        f"K1;Aetna;99213;{s};{d};paid;1.234,56;12,30\n"
        f"K2;Aetna;99213;{s};{d};paid;99,00;0,5\n"
    )
    report = ingest(body.encode())
    assert report["status"] == "loaded", report["rejections"]
    assert (report["delimiter"], report["decimal_separator"]) == (";", ",")
    assert [
        tuple(str(v) for v in r) for r in lines(owner, "claim_id, billed_amount, paid_amount")
    ] == [
        ("K1", "1234.56", "12.30"),
        ("K2", "99.00", "0.50"),
    ]


def test_person_shaped_payer_names_and_the_alias_fix(ingest, owner, app, acme):
    s, d = day(30), day(10)
    body = DAY_FIRST + "".join(
        [
            f"P1,John Hancock,99213,{s},{d},paid\n",
            f"P2,Paul Revere Life,99213,{s},{d},paid\n",
            f"P3,Ryan White,99213,{s},{d},paid\n",
            f"P4,Walter Reed,99213,{s},{d},paid\n",
            f"P5,Carol Woods,99213,{s},{d},paid\n",
        ]
    )
    first = ingest(body.encode())
    assert first["status"] == "partial"
    assert first["rejections"] == {"phi.person_name": 1}
    assert first["rejection_samples"] == {"phi.person_name": [5]}
    assert first["rejection_columns"] == {"phi.person_name": ["payer"]}
    create_mapping(
        app.uow,
        "payer_alias",
        acme.id,
        {"raw_name": "Carol Woods", "canonical_name": "Carol Woods"},
        "test",
    )
    again = ingest(body.encode())  # the same bytes: a partial upload is read again
    assert again["status"] == "loaded"
    assert again["lines"] == {"new_lines": 1, "updated_lines": 0, "unchanged_lines": 4}


def test_payer_contact_numbers_and_references_in_denial_text(ingest, owner, caplog):
    s, d = day(30), day(10)
    body = "claim_id,payer,cpt,submitted_date,decided_date,outcome,denial_reason_text\n" + "".join(
        [
            f'R1,Aetna,99213,{s},{d},denied,"Call 1-800-555-0199 for appeal reference 240501123"\n',
            f'R2,Aetna,99213,{s},{d},denied,"Provider services (888) 555-0100"\n',
            f'R3,Aetna,99213,{s},{d},denied,"Member called 555-867-5309"\n',
            f'R4,Aetna,99213,{s},{d},denied,"SSN 123456789 on file"\n',
        ]
    )
    with caplog.at_level(logging.DEBUG):
        report = ingest(body.encode())
    assert report["rejections"] == {"phi.phone": 1, "phi.ssn": 1}
    assert report["rejection_samples"] == {"phi.phone": [3], "phi.ssn": [4]}
    everything = json.dumps(report) + caplog.text + str(lines(owner, "*"))
    assert "867-5309" not in everything and "123456789" not in everything


def test_self_pay_and_totals_rows_are_skipped(ingest, owner):
    s, d = day(30), day(10)
    body = "claim_id,payer,cpt,submitted_date,decided_date,outcome,billed_amount\n" + "".join(
        [
            f"S1,Aetna,99213,{s},{d},paid,100.00\n",
            f"S2,Self-Pay,99213,{s},{d},paid,80.00\n",
            f"S3,NO_INSURANCE,99213,{s},,,80.00\n",
            ",,,,,,260.00\n",  # an unlabelled subtotal: no field a line needs
            "Grand Total,,,,,,260.00\n",
            f"S4,,99213,{s},{d},paid,10.00\n",  # a line without its payer is an error
        ]
    )
    report = ingest(body.encode())
    assert report["status"] == "partial"
    assert (report["rows_total"], report["rows_accepted"], report["rows_rejected"]) == (6, 1, 1)
    assert report["rows_skipped"] == 4
    assert report["rejections"] == {"required.payer": 1}
    assert report["skips"] == {"skip.footer": 2, "skip.self_pay": 2}
    assert report["skip_samples"] == {"skip.footer": [4, 5], "skip.self_pay": [2, 3]}
    assert report["quality"]["validity"] == 0.5  # 1 of the 2 rows that are payer decisions


def test_rejections_count_rows_with_distinct_samples_and_columns(ingest):
    s, d = day(30), day(10)
    body = DAY_FIRST.replace("outcome", "outcome,payment_date") + "".join(
        [
            "B1,Aetna,99213,2026-02-30,2026-13-01,paid,\n",  # one rule, two columns
            f"B2,Aetna,99213,{s},{d},paid,2026-13-01\n",
            f"B3,Aetna,99213,{s},{d},paid,\n",
        ]
    )
    report = ingest(body.encode())
    assert report["rejections"] == {"date.invalid": 2}
    assert report["rejection_samples"] == {"date.invalid": [1, 2]}
    assert report["rejection_columns"] == {
        "date.invalid": ["submitted_date", "decided_date", "payment_date"]
    }


def test_warnings_count_only_rows_that_loaded(ingest):
    s, d = day(30), day(10)
    row = f"W1,1,Aetna,99213,{s},{d},pending\n"  # the same claim line twice
    body = DAY_FIRST.replace("claim_id", "claim_id,line_number") + row + row
    report = ingest(body.encode())
    assert report["rejections"] == {"duplicate.row": 1}
    assert report["rows_warning"] == 1
    assert report["warnings"] == {"outcome.unknown": 1}
    assert report["warning_samples"] == {"outcome.unknown": [1]}


def test_phi_named_columns_of_real_exports_are_dropped(ingest, owner):
    s, d = day(30), day(10)
    body = (
        "Claim ID,Payer,CPT,Submitted,Decided,Status,Pat Name,Pol Nbr,Chart #,Subscriber #,"
        "Pt Acct #,Beneficiary ID,Member Number\n"
        f"X1,Aetna,99213,{s},{d},paid,Jane Roe,POL778812,CH-0091,SUB-44,ACCT-9,1EG4TE5MK73,M-77\n"
    )
    report = ingest(body.encode())
    assert report["status"] == "loaded"
    assert report["columns"]["dropped_phi"] == [
        "Pat Name", "Pol Nbr", "Chart #", "Subscriber #", "Pt Acct #", "Beneficiary ID",
        "Member Number",
    ]  # fmt: skip
    dumped = str(lines(owner, "*")) + json.dumps(report)
    for secret in ("Jane Roe", "POL778812", "CH-0091", "SUB-44", "ACCT-9", "1EG4TE5MK73"):
        assert secret not in dumped


def test_file_anomalies_stale_low_validity_all_other_no_claim_id(ingest):
    old = date(2025, 1, 10)
    body = "payer,cpt,submitted_date,decided_date,outcome\n" + "".join(
        [f"Aetna,99213,{old - timedelta(days=9)},{old},pending\n"]
        + [f"Aetna,ABC{i},{old},{old},paid\n" for i in range(3)]
    )
    report = ingest(body.encode())
    assert (report["rows_accepted"], report["rows_rejected"]) == (1, 3)
    found = set(codes(report))
    assert {"data.stale", "identity.no_claim_id", "outcome.all_other", "validity.low"} <= found
    stale = next(a for a in report["anomalies"] if a["code"] == "data.stale")
    assert stale["newest_decided_date"] == "2025-01-10"


def test_recent_complete_file_has_no_file_anomalies(ingest):
    body = DAY_FIRST + f"Q1,Aetna,99213,{day(30)},{day(3)},paid\n"
    report = ingest(body.encode())
    assert not {"data.stale", "validity.low", "outcome.all_other", "identity.no_claim_id"} & set(
        codes(report)
    )


def test_cpt_floats_and_the_leading_zeros_hint(ingest, owner):
    s, d = day(30), day(10)
    body = DAY_FIRST + f"F1,Aetna,99213.0,{s},{d},paid\nF2,Aetna,100,{s},{d},paid\n"
    report = ingest(body.encode())
    assert report["rejections"] == {"cpt.invalid": 1}
    assert "leading zeros" in report["hints"]["cpt.invalid"]
    assert lines(owner, "claim_id, cpt") == [("F1", "99213")]


def test_unknown_headers_get_a_did_you_mean_and_a_column_mapping_fixes_them(ingest, app, acme):
    s, d = day(30), day(10)
    body = (
        f"Claim ID,Payer,CPT,Primary Claim Sent Date,Adj Date,Status\nM1,Aetna,99213,{s},{d},paid\n"
    )
    first = ingest(body.encode())
    assert first["status"] == "rejected"
    assert first["missing_fields"] == ["submitted_date"]
    assert "did you mean 'Primary Claim Sent Date'" in first["message"]
    create_mapping(
        app.uow,
        "column_mapping",
        acme.id,
        {"header": "Primary Claim Sent Date", "field": "submitted_date"},
        "test",
    )
    again = ingest(body.encode())
    assert again["status"] == "loaded"
    assert again["columns"]["recognised"]["submitted_date"] == "Primary Claim Sent Date"


def test_excel_sep_line_names_the_delimiter(ingest):
    s, d = day(30), day(10)
    body = f"sep=;\npayer;cpt;submitted_date;decided_date;outcome\nAetna;99213;{s};{d};paid\n"
    report = ingest(body.encode())
    assert (report["status"], report["delimiter"], report["preamble_lines"]) == ("loaded", ";", 1)
