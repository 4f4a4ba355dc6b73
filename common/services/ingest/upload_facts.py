"""What the load asks Postgres about this upload's findings and the customer's history."""

from __future__ import annotations

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.queries import sql
from common.domain.values import payer_key
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


def payer_spellings(conn: Connection, params: dict) -> dict[str, str]:
    """Case-insensitive payer key → the spelling the customer's lines use most."""
    spellings: dict[str, tuple[int, str]] = {}
    for payer, n in conn.execute(sql("ingest_payer_spellings"), params).all():
        key = payer_key(payer)
        if key not in spellings or (n, payer) > spellings[key]:
            spellings[key] = (n, payer)
    return {key: payer for key, (_, payer) in spellings.items()}


def customer_history(conn: Connection, params: dict, thresholds: Thresholds) -> dict:
    """The customer's recent upload sizes and 90-day denial mix, for the anomaly checks."""
    window = {
        "rowcount_days": thresholds.anomaly_rowcount_days,
        "mix_days": thresholds.anomaly_denial_mix_days,
    }
    return dict(conn.execute(sql("ingest_history"), params | window).mappings().one())
