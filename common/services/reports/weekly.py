"""The weekly report (SPEC 5): gather, render PDF + CSV, store them, record `reports` rows."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import delete, insert

from common.db.schema import reports
from common.db.uow import UnitOfWork
from common.services.customers import Customer
from common.services.reports.data import ReportOptions, gather
from common.services.reports.render import render_csv, render_pdf

log = logging.getLogger(__name__)

KIND = "weekly"


def report_object_name(slug: str, as_of: date, fmt: str) -> str:
    """`<slug>/weekly-<date>.<fmt>` in the reports bucket."""
    return f"{slug}/{KIND}-{as_of.isoformat()}.{fmt}"


def write_weekly_report(
    uow: UnitOfWork,
    store,
    customer: Customer,
    as_of: date,
    opts: ReportOptions | None = None,
) -> list[dict]:
    """Write the PDF and CSV for the week ending `as_of`; return the `reports` rows.

    Re-running for the same date replaces the objects and their rows.
    """
    opts = opts or ReportOptions()
    with uow.transaction(customer.id) as conn:
        data = gather(conn, customer, as_of, opts)
    rendered = {"pdf": render_pdf(data), "csv": render_csv(data)}
    rows = []
    for fmt, body in rendered.items():
        info = store.write(report_object_name(customer.slug, as_of, fmt), body)
        rows.append(
            {
                "customer_id": customer.id,
                "kind": KIND,
                "format": fmt,
                "period_start": data.period_start,
                "period_end": data.period_end,
                "object_name": info.name,
                "size_bytes": info.size,
            }
        )
    with uow.transaction(customer.id) as conn:
        names = [r["object_name"] for r in rows]
        conn.execute(delete(reports).where(reports.c.object_name.in_(names)))
        for row in rows:
            row["id"] = str(
                conn.execute(insert(reports).values(row).returning(reports.c.id)).scalar()
            )
    log.info(
        "weekly report written",
        extra={"customer": customer.id, "as_of": as_of.isoformat(), "signals": len(data.signals)},
    )
    return rows
