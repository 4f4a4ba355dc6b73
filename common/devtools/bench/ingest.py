"""Bench ingest: end-to-end ingest against a raw-COPY floor (and the seed's row-by-row
executemany baseline); `upstream bench ingest` prints it.

The machine's speed drifts 2-3x from day to day, so the target is a ratio: the wall time of
`Ingestor.ingest` over the median of three raw `COPY`s of the same file into a bare table (its
columns typed as the fields they map to — date, numeric(12,2), text — and no index, key or
policy) on the same server, in the same run.
"""

from __future__ import annotations

import csv
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common.db.uow import set_tenant
from common.devtools.machine import machine_info
from common.devtools.synth import SynthOptions, claim_rows, write_claims_csv
from common.domain.columns import map_header
from common.domain.values import cpt_group, normalise_outcome
from common.services.customers import create_customer
from common.services.ingest import ObjectEvent

BASELINE_ROWS = 20_000
BASELINE_COLUMNS = (
    "customer_id", "upload_id", "line_key", "claim_id", "payer", "cpt", "cpt_group",
    "submitted_date", "decided_date", "payment_date", "outcome", "billed_amount",
    "allowed_amount", "paid_amount", "denial_reason_code", "denial_reason_text",
)  # fmt: skip
COPY_RUNS = 3
_FLOOR_TYPES = {
    **dict.fromkeys(("service_date", "submitted_date", "decided_date", "payment_date"), "date"),
    **dict.fromkeys(("billed_amount", "allowed_amount", "paid_amount"), "numeric(12, 2)"),
    "line_number": "integer",
}
TARGET_RATIO = 8.0
TARGET_RSS_MB = 300


def bench_ingest(app, rows: int) -> dict:
    """Generate `rows` synthetic rows, time the raw-COPY floor and the ingest; the result."""
    slug = "bench-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:20]
    customer = create_customer(app.uow, slug)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        rows = write_claims_csv(path, SynthOptions(rows=rows, days=365, bad_rows=False))
        print(f"generated {rows} rows ({path.stat().st_size / 2**20:.0f} MiB)", file=sys.stderr)
        copies = [raw_copy_seconds(app.engine, path) for _ in range(COPY_RUNS)]
        report, wall = timed_ingest(app, slug, path)
    floor = statistics.median(copies)
    baseline = _baseline_rows_per_second(app, customer.id, report["upload_id"])
    rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    ratio = wall / floor
    return {
        "rows": rows,
        "status": report["status"],
        "rows_accepted": report["rows_accepted"],
        "wall_seconds": round(wall, 2),
        "rows_per_second": round(rows / wall),
        "copy_floor_seconds": round(floor, 4),
        "copy_runs_seconds": [round(c, 4) for c in copies],
        "ratio_to_copy": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "peak_rss_mb": rss,
        "baseline_executemany_rows_per_second": round(baseline),
        "speedup_vs_baseline": round((rows / wall) / baseline, 1),
        "target_rss_mb": TARGET_RSS_MB,
        "met": ratio <= TARGET_RATIO and rss <= TARGET_RSS_MB,
        "machine": machine_info(app.engine),
    }


def timed_ingest(app, slug: str, path: Path) -> tuple[dict, float]:
    """Put `path` in the inbox as `slug`'s and ingest it; the report and the wall seconds."""
    with open(path, "rb") as source:
        blob = app.inbox.write(f"{slug}/{path.name}", source)
    started = time.perf_counter()
    report = app.ingestor().ingest(ObjectEvent("bench", blob.name, blob.generation, blob.size))
    wall = time.perf_counter() - started
    app.inbox.delete(blob.name)
    return report, wall


def _floor_columns(header: list[str]) -> str:
    fields = {i: f for f, i in map_header(header).index.items()}
    types = [_FLOOR_TYPES.get(fields.get(i, ""), "text") for i in range(len(header))]
    return ", ".join(f"c{i} {t}" for i, t in enumerate(types))


def raw_copy_seconds(engine, path: Path) -> float:
    """One `COPY` of the file's bytes into a bare temp table of its types (rolled back)."""
    with open(path, encoding="utf-8", newline="") as f:
        columns = _floor_columns(next(csv.reader(f)))
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            cursor = conn.connection.driver_connection.cursor()
            cursor.execute(f"CREATE TEMP TABLE copy_floor ({columns}) ON COMMIT DROP")  # nosec B608
            with open(path, "rb") as source:
                started = time.perf_counter()
                cursor.execute(
                    "COPY copy_floor FROM STDIN WITH (FORMAT csv, HEADER true)", stream=source
                )
                elapsed = time.perf_counter() - started
            cursor.close()
        finally:
            transaction.rollback()
    return elapsed


def _baseline_rows_per_second(app, customer_id: str, upload_id: str) -> float:
    """The seed's way: one INSERT per row via executemany, into `claims` itself.

    Same table, indexes and row-level security as the COPY path, so the ratio
    compares loading strategies, not table shapes; the transaction is rolled back.
    """
    opts = SynthOptions(rows=BASELINE_ROWS, days=365, bad_rows=False, seed=11)
    params = [_baseline_params(customer_id, upload_id, r) for r in claim_rows(opts)]
    # pg8000's own executemany runs one INSERT per row (SQLAlchemy would batch them).
    insert = (
        f"INSERT INTO claims ({', '.join(BASELINE_COLUMNS)}) "  # nosec B608 - fixed column names
        f"VALUES ({', '.join(['%s'] * len(BASELINE_COLUMNS))})"
    )
    with app.engine.connect() as conn:
        transaction = conn.begin()
        try:
            set_tenant(conn, customer_id)
            cursor = conn.connection.driver_connection.cursor()
            started = time.perf_counter()
            cursor.executemany(insert, params)
            elapsed = time.perf_counter() - started
            cursor.close()
        finally:
            transaction.rollback()
    return len(params) / elapsed


def _baseline_params(customer_id: str, upload_id: str, row: list[str]) -> tuple:
    """One synthetic CSV row as the validated values the COPY path stores."""
    claim_id, payer, cpt, submitted, decided, status, paid_on = row[:7]
    billed, allowed, paid, code, reason = (v or None for v in row[7:12])
    return (
        customer_id,
        upload_id,
        "baseline:" + claim_id,  # cannot collide with the benchmark upload's "c:" keys
        claim_id,
        payer,
        cpt,
        cpt_group(cpt),
        submitted,
        decided or None,
        paid_on or None,
        normalise_outcome(status)[0],
        billed,
        allowed,
        paid,
        code,
        reason,
    )
