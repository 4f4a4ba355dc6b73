"""`upstream bench signals [--rows N] [--repeat K] [--reuse] [--json]`.

A tenant with N synthetic claims over 12 months (common/synth.py, COPYed into claims), then
all three products for one as_of, timed; and the same aggregates computed the way
the seed system did it — the windows' rows loaded into Python and counted in loops — timed in
the same run, as a ratio.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text

from common.commands.bench_ingest import _bench_group
from common.commands.bench_seed_style import seed_style_aggregates
from common.commands.machine import machine_info
from common.commands.runtime import ready
from common.db.copy import copy_into
from common.db.engine import build_engine
from common.db.schema import claims, uploads
from common.domain.thresholds import DEFAULT_THRESHOLDS
from common.services.customers import CustomerError, create_customer, get_customer
from common.services.signals import PRODUCTS, detector
from common.services.signals.store import save_signals
from common.synth import SynthOptions, claim_rows

TARGET_SECONDS = 1.5
CLAIM_COLUMNS = (
    "customer_id, upload_id, claim_key, claim_id, payer, cpt, cpt_group, submitted_date, "
    "decided_date, payment_date, outcome, billed_amount, allowed_amount, paid_amount, "
    "denial_reason_code, denial_reason_text, content_hash"
)


def register(sub) -> None:
    """Add `bench signals` to the shared bench group."""
    p = _bench_group(sub).add_parser("signals", help="time the three products on N claims")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3, help="timed runs (median reported)")
    p.add_argument("--reuse", action="store_true", help="reuse a bench tenant of that size")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def run(args) -> None:
    """Load (or reuse) the tenant, time the products and the seed-style loops, print both."""
    from common.cli import emit

    app = ready()
    customer, load_seconds = _tenant(app, args.rows, args.reuse)
    with app.uow.transaction(customer.id) as conn:
        newest = conn.execute(select(func.max(claims.c.decided_date))).scalar_one()
        count = conn.execute(select(func.count()).select_from(claims)).scalar_one()
    as_of = newest + timedelta(days=1)
    runs = [_time_products(app, customer.id, as_of) for _ in range(max(1, args.repeat))]
    seed_seconds, seed_rows = _time_seed_style(app, customer.id, as_of)
    per_product = {p: round(statistics.median(r[p]["seconds"] for r in runs), 3) for p in PRODUCTS}
    totals = [sum(r[p]["seconds"] for p in PRODUCTS) for r in runs]
    total = statistics.median(totals)
    result = {
        "rows": count,
        "as_of": as_of.isoformat(),
        "load_seconds": load_seconds,
        "products_seconds": per_product,
        "signals": {p: runs[0][p]["signals"] for p in PRODUCTS},
        "total_seconds": round(total, 3),
        "total_seconds_runs": [round(t, 3) for t in totals],
        "target_seconds": TARGET_SECONDS,
        "within_target": total <= TARGET_SECONDS,
        "seed_style_seconds": round(seed_seconds, 3),
        "seed_style_rows_loaded": seed_rows,
        "speedup_vs_seed_style": round(seed_seconds / total, 1),
        "machine": machine_info(app.engine),
    }
    emit(args, result, "\n".join(f"{k}: {v}" for k, v in result.items()))


def _tenant(app, rows: int, reuse: bool):
    """The bench tenant: reused when asked and present, else fresh and loaded with COPY."""
    slug = f"bench-signals-{rows}"
    if reuse:
        try:
            return get_customer(app.uow, slug), None
        except CustomerError:
            pass
    else:
        slug += "-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    customer = create_customer(app.uow, slug)
    owner = build_engine(app.settings, as_app_role=False)
    try:
        started = time.perf_counter()
        loaded = _copy_synthetic(owner, customer.id, rows)
        load_seconds = round(time.perf_counter() - started, 2)
        print(f"loaded {loaded} synthetic claims in {load_seconds}s", file=sys.stderr)
        owner.dispose()  # a fresh connection: VACUUM must run outside any transaction
        with owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            # What autovacuum does after a large load: statistics and the visibility map.
            conn.execute(text("VACUUM (ANALYZE) claims"))
    finally:
        owner.dispose()
    return customer, load_seconds


def _copy_synthetic(owner, customer_id: str, rows: int) -> int:
    """common/synth.py's 12 months of claims, normalised and COPYed as the table owner.

    The ingest path has its own benchmark (`bench ingest`); here only the claims matter.
    """
    from common.domain.values import cpt_group, normalise_outcome

    upload_id = str(uuid.uuid4())
    with tempfile.TemporaryFile("w+", newline="") as buffer:
        writer = csv.writer(buffer)
        count = 0
        for r in claim_rows(SynthOptions(rows=rows, days=365, bad_rows=False)):
            outcome = normalise_outcome(r[5])[0]
            writer.writerow(
                [
                    customer_id,
                    upload_id,
                    r[0],
                    r[0],
                    r[1],
                    r[2],
                    cpt_group(r[2]),
                    r[3],
                    r[4],
                    r[6],
                    outcome,
                    r[7],
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    r[0],
                ]
            )
            count += 1
        with owner.begin() as conn:
            conn.execute(
                insert(uploads).values(
                    id=upload_id,
                    customer_id=customer_id,
                    object_name=f"bench/{upload_id}.csv",
                    generation="1",
                    status="loaded",
                    rows_total=count,
                    rows_accepted=count,
                )
            )
            copy_into(conn, "claims", buffer, CLAIM_COLUMNS)
    return count


def _time_products(app, customer_id: str, as_of) -> dict:
    """One full run of each product (detect + idempotent store) in its own transaction."""
    timings = {}
    for product in PRODUCTS:
        started = time.perf_counter()
        with app.uow.transaction(customer_id) as conn:
            found = detector(product)(conn, customer_id, as_of, DEFAULT_THRESHOLDS)
            save_signals(conn, customer_id, product, found)
        timings[product] = {"seconds": time.perf_counter() - started, "signals": len(found)}
    return timings


def _time_seed_style(app, customer_id: str, as_of) -> tuple[float, int]:
    started = time.perf_counter()
    with app.uow.transaction(customer_id) as conn:
        loaded = seed_style_aggregates(conn, customer_id, as_of, DEFAULT_THRESHOLDS)
    return time.perf_counter() - started, loaded
