"""The weekly report: PDF with charts and CSV in the reports store, with `reports` rows."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, text

from common.cli import main
from common.db.schema import uploads
from common.domain.messages import SignalsRaised
from common.services import rollups
from common.services.customers import create_customer
from common.services.reports import CSV_HEADER, write_weekly_report
from tests.alert_helpers import add_judgment, add_signal, rows

AS_OF = date(2026, 6, 1)


CLAIMS = """
INSERT INTO claims (customer_id, upload_id, line_key, payer, cpt, cpt_group, submitted_date,
                    decided_date, payment_date, outcome, billed_amount, paid_amount)
SELECT :cid, :upload, 'k' || g,
       (ARRAY['Aetna', 'Cigna', 'Humana', 'Medicare', 'UnitedHealthcare', 'BCBS'])[1 + mod(g, 6)],
       '99213', 'E&M', CAST(:start AS date) + mod(g, 180), CAST(:start AS date) + mod(g, 180) + 14,
       CASE WHEN mod(g, 10) <> 0 THEN CAST(:start AS date) + mod(g, 180) + 14 + mod(g, 7) END,
       CASE WHEN mod(g, 10) = 0 THEN 'DENIED' ELSE 'PAID' END, 150,
       CASE WHEN mod(g, 10) <> 0 THEN 100 ELSE 0 END
FROM generate_series(1, 3000) AS g
"""


@pytest.fixture
def acme(app, owner):
    """A customer with six months of claims from one upload, three signals and an alert."""
    customer = create_customer(app.uow, "acme", "Acme $ Clinic")
    quality = {
        "quality": {"completeness": 0.9, "validity": 0.99, "timeliness_days": 2},
        "anomalies": [{"message": "x"}],
    }
    with owner.begin() as conn:
        upload = conn.execute(
            insert(uploads)
            .values(
                customer_id=customer.id,
                object_name="acme/claims.csv",
                generation="1",
                status="loaded",
                rows_total=3010,
                rows_accepted=3000,
                rows_rejected=10,
                report=quality,
                received_at=datetime(2026, 5, 29, tzinfo=UTC),
            )
            .returning(uploads.c.id)
        ).scalar()
        conn.execute(
            text(CLAIMS),
            {"cid": customer.id, "upload": upload, "start": AS_OF - timedelta(days=190)},
        )
        rollups.rebuild(conn, customer.id)
    big = add_signal(app, customer.id, as_of=AS_OF, payer="Cigna", dollars_at_risk=25000)
    add_signal(
        app,
        customer.id,
        as_of=AS_OF - timedelta(days=2),
        product="delayguard",
        type="payment_delay",
        key=None,
        dollars_at_risk=9000.5,
        summary="Humana pays 12 days slower ($9,000 delayed).",
    )
    add_signal(app, customer.id, as_of=AS_OF - timedelta(days=30), payer="Old")  # not this week
    app.alerts.dispatch("m-1", SignalsRaised(customer.id, "driftwatch", (big,)))
    return customer


def test_weekly_report_writes_pdf_csv_and_rows(app, acme, owner):
    [alert] = rows(owner, "SELECT id FROM alerts")
    now = datetime(2026, 5, 20, tzinfo=UTC)
    add_judgment(
        app,
        acme.id,
        str(alert["id"]),
        "real",
        now,
        recovered_amount=1234.56,
        recovered_date=date(2026, 5, 20),
    )
    written = write_weekly_report(app.uow, app.reports_store, acme, AS_OF)
    assert {r["object_name"] for r in written} == {
        "acme/weekly-2026-06-01.pdf",
        "acme/weekly-2026-06-01.csv",
    }
    with app.reports_store.open_read("acme/weekly-2026-06-01.pdf") as pdf:
        body = pdf.read()
    assert body.startswith(b"%PDF") and len(body) > 5000
    with app.reports_store.open_read("acme/weekly-2026-06-01.csv") as f:
        table = list(csv.reader(io.StringIO(f.read().decode())))
    assert tuple(table[0]) == CSV_HEADER
    assert [(r[0], r[3]) for r in table[1:]] == [("1", "Cigna"), ("2", "Aetna")]
    assert table[1][CSV_HEADER.index("dollars_at_risk")] == "25000"
    report_rows = rows(owner, "SELECT * FROM reports ORDER BY format")
    assert [(r["kind"], r["format"]) for r in report_rows] == [("weekly", "csv"), ("weekly", "pdf")]
    assert all(r["period_end"] == AS_OF for r in report_rows)
    assert report_rows[1]["size_bytes"] == len(body)


def test_report_sections_come_from_sql(app, acme, owner):
    from common.services.reports.data import ReportOptions, gather

    add_judgment(
        app,
        acme.id,
        _alert_id(owner),
        "real",
        datetime(2026, 5, 25, tzinfo=UTC),
        recovered_amount=100,
        recovered_date=date(2026, 5, 25),
    )
    add_judgment(
        app,
        acme.id,
        _alert_id(owner),
        "real",
        datetime(2026, 3, 1, tzinfo=UTC),
        recovered_amount=50,
        recovered_date=date(2026, 3, 1),
    )
    with app.uow.transaction(acme.id) as conn:
        data = gather(conn, acme, AS_OF, ReportOptions())
    assert data.ledger["this_month"] == 0 and data.ledger["last_30_days"] == 100
    assert data.ledger["all_time"] == 150 and data.ledger["recoveries"] == 2
    assert len(data.denial_trend) == 5 and len(data.payment_trend) == 5
    weeks = [w for w, _, _ in next(iter(data.denial_trend.values()))]
    assert weeks == sorted(weeks) and weeks[-1] < AS_OF
    assert all(0 <= rate <= 1 for pts in data.denial_trend.values() for _, rate, _ in pts)
    assert (data.quality["uploads"], data.quality["rows_accepted"]) == (1, 3000)
    assert data.quality["completeness"] == 0.9 and data.quality["anomalies"] == 1
    assert [s["payer"] for s in data.signals] == ["Cigna", "Aetna"]


def test_rerunning_a_date_replaces_the_rows(app, acme, owner):
    write_weekly_report(app.uow, app.reports_store, acme, AS_OF)
    write_weekly_report(app.uow, app.reports_store, acme, AS_OF)
    assert len(rows(owner, "SELECT * FROM reports")) == 2


def test_report_command_writes_todays_report(app, acme, capsys):
    assert main(["report", "--customer", "acme", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    today = datetime.now(UTC).date().isoformat()
    assert doc["as_of"] == today
    names = sorted(r["object_name"] for r in doc["reports"])
    assert names == [f"acme/weekly-{today}.csv", f"acme/weekly-{today}.pdf"]
    assert main(["report", "--customer", "nobody"]) == 2


def _alert_id(owner) -> str:
    return str(rows(owner, "SELECT id FROM alerts")[0]["id"])
