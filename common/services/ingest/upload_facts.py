"""What the load asks Postgres about this upload's findings and the customer's history."""

from __future__ import annotations

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.queries import sql
from common.services.ingest.report import Tally


def loaded_warnings(conn: Connection, params: dict, samples: int) -> dict:
    """Warnings of the rows that loaded (a repeat rejected in the merge has none), per rule."""
    tally, rows = Tally(samples), 0
    query = sql("ingest_warning_counts")
    for found in conn.execute(query, params | {"samples": samples}).mappings():
        if found["rule"] is None:
            rows = found["rows"]
            continue
        tally.counts[found["rule"]] = found["rows"]
        tally.rows[found["rule"]] = list(found["samples"])
        tally.columns[found["rule"]] = dict.fromkeys(c for c in found["columns"] if c)
    return {"rows": rows, "tally": tally}


def customer_history(conn: Connection, params: dict, thresholds: Thresholds) -> dict:
    """The customer's recent upload sizes and 90-day denial mix, for the anomaly checks."""
    window = {
        "rowcount_days": thresholds.anomaly_rowcount_days,
        "mix_days": thresholds.anomaly_denial_mix_days,
    }
    return dict(conn.execute(sql("ingest_history"), params | window).mappings().one())
