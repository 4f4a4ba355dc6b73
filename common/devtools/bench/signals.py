"""Bench signals (`upstream bench signals`): the products' time on N claims.

A tenant with N synthetic claims over 12 months (common/devtools/synth.py, loaded by the ingest
path), then all three products for one as_of, timed; and the same aggregates computed the way
the seed system did it — the windows' rows loaded into Python and counted in loops — timed in
the same run, as a ratio.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from common.db.engine import build_engine
from common.db.schema import claims
from common.devtools.bench.seed_style import seed_style_aggregates
from common.devtools.machine import machine_info
from common.devtools.synth import SynthOptions, write_claims_csv
from common.domain.thresholds import DEFAULT_THRESHOLDS
from common.services.customers import CustomerError, create_customer, get_customer
from common.services.ingest import ObjectEvent
from common.services.signals import PRODUCTS, detector
from common.services.signals.store import save_signals

TARGET_SECONDS = 1.5


def bench_signals(app, rows: int, repeat: int = 3, reuse: bool = False) -> dict:
    """Load (or reuse) the tenant, time the products and the seed-style loops; the result."""
    customer, load_seconds = bench_tenant(app, rows, reuse)
    with app.uow.transaction(customer.id) as conn:
        newest = conn.execute(select(func.max(claims.c.decided_date))).scalar_one()
        count = conn.execute(select(func.count()).select_from(claims)).scalar_one()
    as_of = newest + timedelta(days=1)
    runs = range(max(1, repeat))
    # Right after an upload the new rows are not yet in the visibility map: index-only scans
    # still visit the heap for them. Autovacuum sets it soon after an insert-heavy load.
    fresh = None if load_seconds is None else [time_products(app, customer.id, as_of) for _ in runs]
    visible = _vacuum(app)
    settled = [time_products(app, customer.id, as_of) for _ in runs]
    seed_seconds, seed_rows = _time_seed_style(app, customer.id, as_of)
    summary = _summary(settled)
    return {
        "rows": count,
        "as_of": as_of.isoformat(),
        "load_seconds": load_seconds,
        "products_seconds": summary["products_seconds"],
        "total_seconds": summary["total_seconds"],
        "total_seconds_runs": summary["total_seconds_runs"],
        "all_visible_share": visible,
        "just_loaded": fresh and _summary(fresh),
        "signals": {p: settled[0][p]["signals"] for p in PRODUCTS},
        "target_seconds": TARGET_SECONDS,
        "within_target": summary["total_seconds"] <= TARGET_SECONDS,
        "seed_style_seconds": round(seed_seconds, 3),
        "seed_style_rows_loaded": seed_rows,
        "speedup_vs_seed_style": round(seed_seconds / summary["total_seconds"], 2),
        "machine": machine_info(app.engine),
    }


def _summary(runs: list[dict]) -> dict:
    totals = [sum(r[p]["seconds"] for p in PRODUCTS) for r in runs]
    return {
        "products_seconds": {
            p: round(statistics.median(r[p]["seconds"] for r in runs), 3) for p in PRODUCTS
        },
        "total_seconds": round(statistics.median(totals), 3),
        "total_seconds_runs": [round(t, 3) for t in totals],
    }


def bench_tenant(app, rows: int, reuse: bool):
    """The bench tenant: reused when asked and present, else fresh and loaded by ingest."""
    slug = f"bench-signals-{rows}"
    if reuse:
        with contextlib.suppress(CustomerError):  # not there yet: load a fresh one
            return get_customer(app.uow, slug), None
    else:
        slug += "-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    customer = create_customer(app.uow, slug)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.csv"
        write_claims_csv(path, SynthOptions(rows=rows, days=365, bad_rows=False))
        with open(path, "rb") as source:
            blob = app.inbox.write(f"{slug}/{path.name}", source)
    started = time.perf_counter()
    report = app.ingestor().ingest(ObjectEvent("bench", blob.name, blob.generation, blob.size))
    load_seconds = round(time.perf_counter() - started, 2)
    app.inbox.delete(blob.name)
    print(f"ingested {report['rows_accepted']} claims in {load_seconds}s", file=sys.stderr)
    _analyze(app)
    return customer, load_seconds


def _analyze(app) -> None:
    """Planner statistics, as autoanalyze gathers them after a large load."""
    _as_owner(app, lambda conn: conn.execute(text("ANALYZE claims")))


def _vacuum(app, attempts: int = 10) -> float:
    """What autovacuum does after an insert-heavy load: set the visibility map (index-only
    scans need it). A VACUUM right after a big commit may leave the newest pages unmarked, so
    retry briefly; return the share of pages marked all-visible."""

    def vacuum(conn) -> float:
        for _ in range(attempts):
            conn.execute(text("VACUUM (ANALYZE) claims"))
            pages, visible = conn.execute(
                text("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'claims'")
            ).one()
            if visible >= 0.99 * pages:
                break
            time.sleep(1)
        return round(visible / max(pages, 1), 3)

    return _as_owner(app, vacuum)


def _as_owner(app, work):
    owner = build_engine(app.settings, as_app_role=False)
    try:
        with owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            return work(conn)
    finally:
        owner.dispose()


def time_products(app, customer_id: str, as_of) -> dict:
    """One full run of each product (detect + idempotent store) in its own transaction."""
    timings = {}
    for product in PRODUCTS:
        started = time.perf_counter()
        with app.uow.transaction(customer_id) as conn:
            found = detector(product)(conn, customer_id, as_of, DEFAULT_THRESHOLDS)
            save_signals(conn, customer_id, product, found, as_of, DEFAULT_THRESHOLDS)
        timings[product] = {"seconds": time.perf_counter() - started, "signals": len(found)}
    return timings


def _time_seed_style(app, customer_id: str, as_of) -> tuple[float, int]:
    started = time.perf_counter()
    with app.uow.transaction(customer_id) as conn:
        loaded = seed_style_aggregates(conn, customer_id, as_of, DEFAULT_THRESHOLDS)
    return time.perf_counter() - started, loaded
