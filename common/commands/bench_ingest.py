"""`upstream bench ingest [--rows N] [--json]`: end-to-end ingest against a raw-COPY floor.

The machine's speed drifts 2-3x from day to day, so the target is a ratio: the wall time of
`Ingestor.ingest` over the median of three raw `COPY`s of the same file into a bare table of
text columns on the same server, in the same run.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common.commands.machine import machine_info
from common.commands.output import emit
from common.commands.runtime import bench_parsers, ready
from common.services.customers import create_customer
from common.services.ingest import ObjectEvent
from common.synth import SynthOptions, write_claims_csv

COPY_RUNS = 3
TARGET_RATIO = 8.0
TARGET_RSS_MB = 300


def register(sub) -> None:
    """Add `bench ingest` (the bench group is shared with other benchmarks)."""
    bench = bench_parsers(sub)
    p = bench.add_parser("ingest", help="ingest N synthetic rows end to end vs a raw COPY")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run)


def run(args) -> int:
    """Generate a file, time the raw-COPY floor and the ingest, print both and their ratio."""
    app = ready()
    slug = "bench-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:20]
    create_customer(app.uow, slug)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        rows = write_claims_csv(path, SynthOptions(rows=args.rows, days=365, bad_rows=False))
        print(f"generated {rows} rows ({path.stat().st_size / 2**20:.0f} MiB)", file=sys.stderr)
        copies = [_raw_copy_seconds(app.engine, path) for _ in range(COPY_RUNS)]
        with open(path, "rb") as source:
            blob = app.inbox.write(f"{slug}/{path.name}", source)
    started = time.perf_counter()
    report = app.ingestor().ingest(ObjectEvent("bench", blob.name, blob.generation, blob.size))
    wall = time.perf_counter() - started
    app.inbox.delete(blob.name)
    floor = statistics.median(copies)
    rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    ratio = wall / floor
    result = {
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
        "target_rss_mb": TARGET_RSS_MB,
        "met": ratio <= TARGET_RATIO and rss <= TARGET_RSS_MB,
        "machine": machine_info(app.engine),
    }
    emit(args, result, "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


def _raw_copy_seconds(engine, path: Path) -> float:
    """One `COPY` of the file's bytes into a bare temp table of text columns (rolled back)."""
    with open(path, encoding="utf-8") as f:
        width = len(f.readline().split(","))
    columns = ", ".join(f"c{i} text" for i in range(width))
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
