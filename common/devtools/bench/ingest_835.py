"""Bench ingest of an 835 (issue 14): the same ratio-to-COPY report as CSV, and the 835 path
per line against the CSV path per line on the same lines, in the same run.

The lines of a generated 835 are also written as a canonical CSV (one row per service line,
the canonical field names as header): the COPY floor is that CSV into a bare table, and the
CSV path ingests that CSV for a second tenant, so both paths load exactly the same lines.
"""

from __future__ import annotations

import csv
import resource
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from common.devtools.bench.ingest import COPY_RUNS, TARGET_RSS_MB, raw_copy_seconds, timed_ingest
from common.devtools.machine import machine_info
from common.devtools.synth import PAYERS
from common.devtools.x12_synth import RemitOptions, write_remittance_835
from common.domain.claim_rows import FIELDS
from common.domain.x12.remittance import RemittanceReader
from common.domain.x12.tokens import read_segments
from common.services.customers import create_customer

TARGET_PER_LINE_VS_CSV = 1.5


def bench_ingest_835(app, lines: int) -> dict:
    """Generate an 835 of `lines` service lines; time the floor, the 835 and the CSV paths."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:20]
    x12_slug, csv_slug = f"bench835-{stamp}", f"benchcsv-{stamp}"
    for slug in (x12_slug, csv_slug):
        create_customer(app.uow, slug)
    with tempfile.TemporaryDirectory() as tmp:
        remit, canonical = Path(tmp) / "bench.835", Path(tmp) / "bench-lines.csv"
        opts = RemitOptions(lines=lines, days=365, payers=tuple(PAYERS))
        written = write_remittance_835(remit, opts)
        _write_canonical(remit, canonical)
        size = remit.stat().st_size / 2**20
        print(f"generated an 835 of {written.lines} lines ({size:.0f} MiB)", file=sys.stderr)
        copies = [raw_copy_seconds(app.engine, canonical) for _ in range(COPY_RUNS)]
        x12_report, x12_wall = timed_ingest(app, x12_slug, remit)
        csv_report, csv_wall = timed_ingest(app, csv_slug, canonical)
    floor = statistics.median(copies)
    rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    per_line = x12_wall / csv_wall
    return {
        "format": "835",
        "lines": written.lines,
        "status": x12_report["status"],
        "rows_accepted": x12_report["rows_accepted"],
        "wall_seconds": round(x12_wall, 2),
        "lines_per_second": round(written.lines / x12_wall),
        "copy_floor_seconds": round(floor, 4),
        "copy_runs_seconds": [round(c, 4) for c in copies],
        "ratio_to_copy": round(x12_wall / floor, 2),
        "csv_wall_seconds": round(csv_wall, 2),
        "csv_rows_accepted": csv_report["rows_accepted"],
        "csv_ratio_to_copy": round(csv_wall / floor, 2),
        "per_line_vs_csv": round(per_line, 2),
        "target_per_line_vs_csv": TARGET_PER_LINE_VS_CSV,
        "peak_rss_mb": rss,
        "target_rss_mb": TARGET_RSS_MB,
        "met": per_line <= TARGET_PER_LINE_VS_CSV and rss <= TARGET_RSS_MB,
        "machine": machine_info(app.engine),
    }


def _write_canonical(remit: Path, out: Path) -> None:
    with open(remit, "rb") as source, open(out, "w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(FIELDS)
        seps, segments = read_segments(source)
        for line in RemittanceReader(segments, seps):
            writer.writerow(line.values)
