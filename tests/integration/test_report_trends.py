"""The weekly report's trend charts: only whole weeks inside the data with enough lines are
plotted (trends.trim_weeks), the value axis fits the data, the newest point names its week."""

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.axes import Axes
from sqlalchemy import insert

from common.db.schema import claims, uploads
from common.services import rollups
from common.services.customers import create_customer
from common.services.reports import trim_weeks
from common.services.reports.data import ReportOptions, gather
from common.services.reports.render import render_pdf
from common.services.reports.trends import (
    MIN_LINES,
    WeekPoint,
    cohort_lead_days,
    trend_start,
    week_of,
    y_limits,
)

AS_OF = date(2026, 6, 3)  # a Wednesday
FIRST = date(2026, 3, 4)  # first decided date: a Wednesday, so the week of 03-02 is partial
LAST = date(2026, 5, 28)  # newest decided date: a Thursday, so the week of 05-25 is partial
THIN = date(2026, 4, 13)  # a whole week with only 14 Aetna lines
SPAN = {"first_day": FIRST, "last_day": LAST, "as_of": AS_OF}


def _week(day: date, value: float = 0.1, lines: int = 50) -> tuple[date, float, int]:
    return (day, value, lines)


# --- the rules, as a pure function -------------------------------------------------------


def test_weeks_run_monday_to_sunday():
    assert week_of(date(2026, 11, 25)) == date(2026, 11, 23)
    assert week_of(date(2026, 11, 23)) == date(2026, 11, 23)
    assert week_of(date(2026, 11, 29)) == date(2026, 11, 23)
    assert trend_start(AS_OF, 26) == date(2026, 6, 1) - timedelta(weeks=26)


def test_a_week_starting_before_the_data_is_dropped():
    rows = [_week(date(2026, 3, 2), 1.0), _week(date(2026, 3, 9))]
    assert [w.week_start for w in trim_weeks(rows, **SPAN)] == [date(2026, 3, 9)]
    # a week starting on the first day is whole
    assert trim_weeks([_week(FIRST)], **SPAN) == [WeekPoint(FIRST, 0.1, 50)]


def test_a_week_the_data_ends_in_is_dropped():
    sunday_is_last = {**SPAN, "last_day": date(2026, 5, 24)}
    rows = [_week(date(2026, 5, 18)), _week(date(2026, 5, 25))]
    assert [w.week_start for w in trim_weeks(rows, **SPAN)] == [date(2026, 5, 18)]
    assert [w.week_start for w in trim_weeks(rows, **sunday_is_last)] == [date(2026, 5, 18)]
    saturday_is_last = {**SPAN, "last_day": date(2026, 5, 23)}
    assert trim_weeks(rows, **saturday_is_last) == []


def test_a_week_not_ended_before_as_of_is_dropped():
    later_data = {**SPAN, "last_day": date(2026, 6, 30)}
    rows = [_week(date(2026, 5, 25)), _week(date(2026, 6, 1))]
    assert [w.week_start for w in trim_weeks(rows, **later_data)] == [date(2026, 5, 25)]
    ends_on_as_of = {**later_data, "as_of": date(2026, 6, 1)}
    assert [w.week_start for w in trim_weeks(rows, **ends_on_as_of)] == [date(2026, 5, 25)]


def test_a_week_with_too_few_lines_is_dropped():
    rows = [_week(date(2026, 3, 9), 1.0, 3), _week(date(2026, 3, 16), 0.1, MIN_LINES)]
    assert [w.lines for w in trim_weeks(rows, **SPAN)] == [MIN_LINES]
    assert trim_weeks(rows, **SPAN, min_lines=21) == []


def test_a_run_in_skips_the_weeks_right_after_the_data_starts():
    rows = [_week(FIRST + timedelta(days=7 * i)) for i in range(6)]
    lead = cohort_lead_days(15.0, 1.4)  # ceil(15 + 2.8)
    assert lead == 18
    kept = trim_weeks(rows, **SPAN, lead_days=lead)
    assert kept[0].week_start == FIRST + timedelta(days=21)
    assert cohort_lead_days(None, None) == 0 and cohort_lead_days(0.0, 3.0) == 0


def test_the_run_in_counts_from_the_first_lag_start():
    rows = [_week(FIRST + timedelta(days=7 * i)) for i in range(6)]
    # an export cut on submission date: submissions start just before the first decision
    cut_on_submission = trim_weeks(rows, **SPAN, lead_days=14, lag_start=FIRST - timedelta(2))
    assert cut_on_submission[0].week_start == FIRST + timedelta(days=14)
    # an export cut on decided date: lag starts reach back beyond the run-in, nothing is lost
    cut_on_decision = trim_weeks(rows, **SPAN, lead_days=14, lag_start=FIRST - timedelta(30))
    assert cut_on_decision[0].week_start == FIRST


def test_without_data_nothing_is_plotted():
    assert trim_weeks([_week(FIRST)], first_day=None, last_day=None, as_of=AS_OF) == []


def test_the_value_axis_fits_the_data():
    lo, hi = y_limits([8.0, 12.0, 15.5])
    assert 0 < lo < 8.0 and 15.5 < hi < 20  # not 0-100
    assert y_limits([0.1, 2.0])[0] == 0.0  # never below the floor
    assert y_limits([99.0, 100.0], ceiling=100.0)[1] == 100.0
    lo, hi = y_limits([10.0, 10.0], min_span=4.0)  # a flat line still gets a readable span
    assert hi - lo >= 4.0 and lo < 10.0 < hi
    assert y_limits([]) is None


# --- what the report gathers and what the renderer draws ----------------------------------


def _lines(day: date, payer: str, n: int, denied: int, paid_after: int = 5) -> list[dict]:
    return [
        {
            "payer": payer,
            "day": day,
            "denied": i < denied,
            "paid_after": paid_after + i % 3,
        }
        for i in range(n)
    ]


def _claim_rows(customer_id, upload_id) -> list[dict]:
    specs = []
    # the partial first week (Wed-Sun): 25 lines, all denied: 100 % if it were plotted
    for d in range(5):
        specs += _lines(FIRST + timedelta(days=d), "Aetna", 5, denied=5)
    day = date(2026, 3, 9)
    while day <= LAST:
        thin = week_of(day) == THIN
        specs += _lines(day, "Aetna", 2 if thin else 6, denied=0 if thin else day.day % 2)
        specs += _lines(day, "Cigna", 1 if day.weekday() < 3 else 0, denied=1)  # 3 a week
        day += timedelta(days=1)
    rows = []
    for n, s in enumerate(specs):
        paid = not s["denied"]
        rows.append(
            {
                "customer_id": customer_id,
                "upload_id": upload_id,
                "line_key": f"k{n}",
                "payer": s["payer"],
                "cpt": "99213",
                "cpt_group": "E&M",
                "submitted_date": s["day"] - timedelta(days=10),
                "decided_date": s["day"],
                "payment_date": s["day"] + timedelta(days=s["paid_after"]) if paid else None,
                "outcome": "PAID" if paid else "DENIED",
                "billed_amount": 150,
                "paid_amount": 100 if paid else 0,
            }
        )
    return rows


def load_claims(owner, customer, rows_for) -> None:
    """One upload with the claim lines `rows_for(customer_id, upload_id)`, rollups rebuilt."""
    with owner.begin() as conn:
        upload = conn.execute(
            insert(uploads)
            .values(
                customer_id=customer.id,
                object_name=f"{customer.slug}/claims.csv",
                generation="1",
                status="loaded",
                received_at=datetime(2026, 5, 29, tzinfo=UTC),
            )
            .returning(uploads.c.id)
        ).scalar()
        conn.execute(insert(claims), rows_for(customer.id, upload))
        rollups.rebuild(conn, customer.id)


@pytest.fixture
def trended(app, owner):
    customer = create_customer(app.uow, "trended", "Trended Clinic")
    load_claims(owner, customer, _claim_rows)
    return customer


@pytest.fixture
def drawn(monkeypatch):
    """What the renderer draws: per labelled line, (axes, label, points) from Axes.plot, NaN
    gaps left out. The axes' labels and limits are read after rendering."""
    lines = []
    plot = Axes.plot

    def spy_plot(ax, x, y, *args, **kwargs):
        if kwargs.get("label"):  # a payer's line (its newest-point marker has no label)
            points = [(a, b) for a, b in zip(x, y, strict=True) if not math.isnan(b)]
            lines.append((ax, kwargs["label"], points))
        return plot(ax, x, y, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", spy_plot)
    return lines


def _expected_aetna_weeks() -> list[date]:
    weeks, week = [], date(2026, 3, 9)
    while week + timedelta(days=6) <= LAST:
        if week != THIN:
            weeks.append(week)
        week += timedelta(days=7)
    return weeks


def test_gathered_trends_hold_only_whole_weeks_with_enough_lines(app, trended):
    with app.uow.transaction(trended.id) as conn:
        data = gather(conn, trended, AS_OF, ReportOptions())
    assert (data.data_first_day, data.data_last_day) == (FIRST, LAST)
    aetna = data.denial_trend["Aetna"]
    assert [w.week_start for w in aetna] == _expected_aetna_weeks()
    assert max(w.value for w in aetna) < 0.6  # the all-denied partial first week is gone
    assert all(w.lines >= MIN_LINES for w in aetna)
    assert data.denial_trend["Cigna"] == []  # 3 lines a week: never plotted, still listed
    assert data.data_first_lag_start == FIRST - timedelta(days=10)
    payments = data.payment_trend["Aetna"]
    # 10 days to decide + 5-7 to pay: the run-in ends ~18 days after the first submission
    # (03-12); the week of 03-09 would hold only the lines paid 5 days after a decision
    assert payments[0].week_start == date(2026, 3, 16)
    assert payments[-1].week_start == date(2026, 5, 18)
    assert all(w.lines >= MIN_LINES for w in payments)
    assert all(14 < w.value < 18 for w in payments)  # no ramp at either end
    assert data.payment_basis["Aetna"] is True


def test_the_renderer_plots_exactly_the_kept_weeks(app, trended, drawn):
    with app.uow.transaction(trended.id) as conn:
        data = gather(conn, trended, AS_OF, ReportOptions())
    render_pdf(data)
    lines = drawn
    charts = {ax.get_ylabel(): ax for ax, _, _ in lines}
    denial_ax = charts["denial rate (% of paid + denied lines)"]
    payment_ax = charts["days from submission to payment"]
    drawn_lines = {(ax, label): points for ax, label, points in lines}
    assert sorted(label for _, label, _ in lines) == ["Aetna", "Aetna"]  # Cigna: no week kept
    denial = drawn_lines[(denial_ax, "Aetna")]
    payment = drawn_lines[(payment_ax, "Aetna")]
    assert denial == [(w.week_start, w.value * 100) for w in data.denial_trend["Aetna"]]
    assert payment == [(w.week_start, w.value) for w in data.payment_trend["Aetna"]]
    plotted = {x for x, _ in denial + payment}
    assert not plotted & {date(2026, 3, 2), date(2026, 5, 25)}
    assert THIN not in {x for x, _ in denial}
    assert max(y for _, y in denial) < 60  # no 100 % point from the partial first week
    # the value axes fit the data, with some room: not a fixed 0-100 % frame
    for ax, points, widest in ((denial_ax, denial, 30), (payment_ax, payment, 6)):
        lo, hi = ax.get_ylim()
        values = [y for _, y in points]
        assert lo <= min(values) and max(values) < hi and hi - lo < widest


def test_the_newest_point_names_its_week(app, trended, monkeypatch):
    notes = []
    annotate = Axes.annotate

    def spy(ax, text, *args, **kwargs):
        notes.append(text)
        return annotate(ax, text, *args, **kwargs)

    monkeypatch.setattr(Axes, "annotate", spy)
    with app.uow.transaction(trended.id) as conn:
        data = gather(conn, trended, AS_OF, ReportOptions())
    render_pdf(data)
    newest = data.denial_trend["Aetna"][-1]
    assert f"Aetna\nweek of 2026-05-18: {newest.value * 100:.1f}%" in notes
    assert any(n.startswith("Aetna\nweek of 2026-05-18: ") and n.endswith(" d") for n in notes)


def test_a_customer_without_claims_gets_charts_with_a_message(app, drawn, monkeypatch):
    customer = create_customer(app.uow, "empty", "Empty Clinic")
    texts = []
    text = Axes.text

    def spy(ax, x, y, s, *args, **kwargs):
        texts.append(s)
        return text(ax, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Axes, "text", spy)
    with app.uow.transaction(customer.id) as conn:
        data = gather(conn, customer, AS_OF, ReportOptions())
    assert data.denial_trend == {} and data.data_first_day is None
    assert render_pdf(data).startswith(b"%PDF")
    assert drawn == []
    assert texts.count("no decided claims in the last 26 weeks") == 2
