"""denial_dollars_high (SPEC 3.2): a level line in the weekly report and for the dashboard —
payers whose denied dollars in the 7 days before as_of reach the customer's level."""

import csv
import dataclasses
import io
from datetime import date, timedelta

import pytest
from matplotlib.figure import Figure

from common.domain.thresholds import DEFAULT_THRESHOLDS, thresholds_for
from common.services.customers import create_customer
from common.services.reports import CSV_HEADER, denial_dollars_high, write_weekly_report
from common.services.reports.data import ReportOptions, gather
from common.services.reports.render import render_pdf
from tests.integration.test_report_trends import load_claims

AS_OF = date(2026, 6, 3)
RECENT = AS_OF - timedelta(days=7)  # the window is [2026-05-27, 2026-06-03)


def _line(n, payer, day, outcome, billed, allowed=None):
    return {
        "line_key": f"k{n}",
        "payer": payer,
        "cpt": "99213",
        "cpt_group": "E&M",
        "submitted_date": day - timedelta(days=10),
        "decided_date": day,
        "payment_date": None,
        "outcome": outcome,
        "billed_amount": billed,
        "allowed_amount": allowed,
        "paid_amount": 0,
    }


def _claim_rows(customer_id, upload_id):
    specs = (
        # (payer, day, outcome, billed, lines)
        ("Aetna", RECENT, "DENIED", 1500, 40),  # $60,000 on the window's first day
        ("Cigna", AS_OF - timedelta(days=1), "DENIED", 1000, 50),  # exactly $50,000
        ("Humana", RECENT + timedelta(days=3), "DENIED", 49_999.99, 1),  # one cent short
        ("Humana", RECENT + timedelta(days=3), "PAID", 100_000, 1),  # paid: not denied dollars
        ("Medicare", RECENT - timedelta(days=1), "DENIED", 2000, 50),  # the day before
        ("Medicare", AS_OF, "DENIED", 2000, 50),  # on as_of: outside [start, as_of)
        ("Aetna", RECENT - timedelta(days=14), "DENIED", 500, 28),  # baseline: $14,000
    )
    rows = []
    for payer, day, outcome, billed, count in specs:
        for _ in range(count):
            rows.append(_line(len(rows), payer, day, outcome, billed))
    # no billed amount: the allowed amount counts (as in DenialScope)
    rows.append(_line(len(rows), "Cigna", RECENT, "DENIED", None, allowed=250))
    return [r | {"customer_id": customer_id, "upload_id": upload_id} for r in rows]


@pytest.fixture
def denying(app, owner):
    customer = create_customer(app.uow, "denying", "Denying $ Clinic")
    load_claims(owner, customer, _claim_rows)
    return customer


def test_the_level_lists_the_payers_at_or_above_it(app, denying):
    with app.uow.transaction(denying.id) as conn:
        found = denial_dollars_high(conn, denying.id, AS_OF, DEFAULT_THRESHOLDS)
    assert [(r["payer"], r["denied_dollars"], r["denied_lines"]) for r in found] == [
        ("Aetna", 60_000.0, 40),
        ("Cigna", 50_250.0, 51),
    ]
    aetna = found[0]
    assert (aetna["window_start"], aetna["window_end"]) == (RECENT, AS_OF)
    assert aetna["threshold"] == 50_000.0
    assert aetna["typical_dollars"] == pytest.approx(14_000 / 28 * 7)
    assert aetna["decided_lines"] == 40


def test_the_level_is_the_customers_setting(app, denying):
    lower = thresholds_for({"signals": {"denial_dollars_high": 40_000}})
    higher = dataclasses.replace(DEFAULT_THRESHOLDS, denial_dollars_high=55_000.0)
    with app.uow.transaction(denying.id) as conn:
        assert [r["payer"] for r in denial_dollars_high(conn, denying.id, AS_OF, lower)] == [
            "Aetna",
            "Cigna",
            "Humana",
        ]
        assert [r["payer"] for r in denial_dollars_high(conn, denying.id, AS_OF, higher)] == [
            "Aetna"
        ]
        # a week later nothing is recent
        assert denial_dollars_high(conn, denying.id, AS_OF + timedelta(days=8), lower) == []


def test_the_report_carries_the_level_in_the_pdf_and_the_csv(app, denying, monkeypatch):
    texts = []
    text = Figure.text

    def spy(fig, x, y, s, *args, **kwargs):
        texts.append(s)
        return text(fig, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Figure, "text", spy)
    with app.uow.transaction(denying.id) as conn:
        data = gather(conn, denying, AS_OF, ReportOptions())
    assert [r["payer"] for r in data.denial_dollars_high] == ["Aetna", "Cigna"]
    render_pdf(data)
    [block] = [t for t in texts if t.startswith("payer ") and "typical week" in t]
    rows = block.splitlines()[1:]
    assert [r.split()[0] for r in rows] == ["Aetna", "Cigna"]
    assert r"\$60,000" in rows[0] and r"\$50,250" in rows[1]
    assert any(t.startswith(r"Denied dollars at or above \$50,000 in the 7 days") for t in texts)

    write_weekly_report(app.uow, app.reports_store, denying, AS_OF)
    with app.reports_store.open_read("denying/weekly-2026-06-03.csv") as f:
        table = list(csv.DictReader(io.StringIO(f.read().decode())))
    assert list(table[0]) == list(CSV_HEADER)
    levels = [r for r in table if r["type"] == "denial_dollars_high"]
    assert [(r["payer"], r["current_value"], r["direction"], r["rank"]) for r in levels] == [
        ("Aetna", "60000", "level", ""),
        ("Cigna", "50250", "level", ""),
    ]
    assert levels[0]["window_start"] == "2026-05-27" and levels[0]["window_end"] == "2026-06-03"
    assert "Aetna denied $60,000 of claims (40 of 40 lines)" in levels[0]["summary"]


def test_without_a_payer_at_the_level_the_page_says_so(app, monkeypatch):
    customer = create_customer(app.uow, "quiet", "Quiet Clinic")
    texts = []
    text = Figure.text

    def spy(fig, x, y, s, *args, **kwargs):
        texts.append(s)
        return text(fig, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Figure, "text", spy)
    with app.uow.transaction(customer.id) as conn:
        data = gather(conn, customer, AS_OF, ReportOptions())
    assert data.denial_dollars_high == []
    render_pdf(data)
    assert r"No payer reached \$50,000 of denied claims." in texts
