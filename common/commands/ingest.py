"""`upstream ingest PATH --customer SLUG [--json]`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.db.queries import sql
from common.services.customers import get_customer
from common.services.ingest import ObjectEvent, uploads
from common.services.ingest.event import name_problem
from common.services.ingest.ingestor import ObjectGone
from common.services.ingest.report import UploadReport
from common.topology import CLAIMS_LOADED, subscriptions_for

BAD_STATUSES = ("rejected", "quarantined")
# The signal runs one upload's ClaimsLoaded fans out to, and how long the report waits for them
# when they run elsewhere (`upstream serve`, the cloud).
FANOUT_CONSUMERS = tuple(s.function for s in subscriptions_for(CLAIMS_LOADED))
FANOUT_WAIT_SECONDS = 30.0
FANOUT_POLL_SECONDS = 0.2


def register(sub) -> None:
    """Add the ingest subcommand."""
    p = sub.add_parser("ingest", help="load a claim file through the pipeline")
    p.add_argument("path", type=Path)
    p.add_argument("--customer", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=run)
    uploads_cmd = sub.add_parser("uploads", help="upload bookkeeping").add_subparsers(
        dest="uploads_command", required=True
    )
    sweep = uploads_cmd.add_parser(
        "sweep", help="fail uploads a stopped load left received/processing over 15 minutes"
    )
    sweep.add_argument("--json", action="store_true", help="print the result as JSON")
    sweep.set_defaults(handler=run_sweep)


def run(args) -> int:
    """Put the file in the bucket as SLUG/<name>, ingest, fan out, print the report."""
    if not args.path.is_file():
        raise BadInput(f"no such file: {args.path}")
    app = ready()
    report = ingest_file(app, args.path, args.customer, show_progress=not args.json)
    emit(args, report, render_report(report))
    if report["status"] == "failed":
        return 1
    return 2 if report["status"] in BAD_STATUSES else 0


def run_sweep(args) -> int:
    """Fail stuck uploads now (the every-minute job and `upstream serve` also do it)."""
    failed = uploads.fail_stuck(ready().uow)
    emit(args, {"failed": failed}, f"uploads failed as stuck: {len(failed)}")
    return 0


def ingest_file(app, path: Path, slug: str, show_progress: bool = False) -> dict:
    """Run one file through ingestion and the signal fan-out; return the report."""
    return ingest_object(app, put_file(app, path, slug), slug, show_progress)


def put_file(app, path: Path, slug: str) -> ObjectEvent:
    """Store the file in the bucket as SLUG/<name>; the finalized event of that object."""
    name = f"{slug}/{path.name}"
    problem = name_problem(name)
    if problem:
        raise BadInput(
            f"cannot store {path.name!r} for customer {slug!r}: the object name {problem}"
        )
    with open(path, "rb") as source:
        info = app.inbox.write(name, source)
    return ObjectEvent(
        bucket=app.settings.inbox_bucket, name=info.name, generation=info.generation, size=info.size
    )


def ingest_object(app, event: ObjectEvent, slug: str, show_progress: bool = False) -> dict:
    """Ingest a stored object (or find it ingested), wait for its fan-out; the report."""
    bar = _progress_bar(event.size or 0) if show_progress and sys.stderr.isatty() else None
    try:
        report: UploadReport = app.ingestor(progress=bar.update if bar else None).ingest_report(
            event
        )
    except ObjectGone as gone:  # deleted or replaced in the bucket before it was read
        report = gone.report
    finally:
        if bar:
            bar.close()
    app.bus.drain()  # the local bus runs the fan-out here; Pub/Sub's runs elsewhere
    return _with_signals(app, slug, report)


def _with_signals(app, slug: str, report: UploadReport) -> dict:
    """The report with what this upload's fan-out created, once it finished (DESIGN 5b).

    The fan-out may run in this process (local bus), in `upstream serve`'s or in the cloud;
    the database knows which runs processed this upload's ClaimsLoaded, so wait briefly for
    them. Unfinished by then: signals_created is null and `signals_pending` says why.
    """
    if report.upload_id is None:
        return report.but(signals_created=0).as_dict()
    customer_id = get_customer(app.uow, slug).id
    deadline = time.monotonic() + FANOUT_WAIT_SECONDS
    while True:
        progress = _fanout_progress(app, customer_id, report.upload_id)
        if progress.queued == 0:  # nothing loaded: this upload has no fan-out
            return report.but(signals_created=0).as_dict()
        if progress.runs + progress.dead >= len(FANOUT_CONSUMERS):
            out = report.but(signals_created=progress.signals_created).as_dict()
            if progress.dead:
                out["signals_note"] = (
                    f"{progress.dead} signal product(s) dead-lettered this upload's message; "
                    "see `upstream dlq list`"
                )
            return out
        if time.monotonic() >= deadline:
            out = report.but(signals_created=None).as_dict()
            out["signals_pending"] = (
                f"{progress.runs} of {len(FANOUT_CONSUMERS)} signal products had run for this "
                f"upload after {FANOUT_WAIT_SECONDS:.0f} s; `upstream signals` lists them later"
            )
            return out
        time.sleep(FANOUT_POLL_SECONDS)


def _fanout_progress(app, customer_id: str, upload_id: str):
    with app.uow.transaction(customer_id) as conn:
        return conn.execute(
            sql("ingest_upload_fanout"),
            {
                "upload_id": upload_id,
                "consumers": list(FANOUT_CONSUMERS),
                "dead_letter_names": [
                    name for s in subscriptions_for(CLAIMS_LOADED) for name in (s.name, s.function)
                ],
            },
        ).one()


def _progress_bar(total: int):
    # tqdm comes with the `local` extra; an install without it ingests without a bar.
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, desc="ingest", file=sys.stderr)


def render_report(report: dict) -> str:
    """The upload report for a person."""
    lines = [f"upload {report.get('upload_id') or '-'}: {report['status']}"]
    if report.get("message") or report.get("reason"):
        lines.append(f"  {report.get('message') or report.get('reason')}")
    lines.append(
        f"  rows: {report['rows_total']} total, {report['rows_accepted']} accepted, "
        f"{report['rows_rejected']} rejected, {report['rows_warning']} with warnings"
    )
    if report.get("date_min"):
        lines.append(f"  dates: {report['date_min']} .. {report['date_max']}")
    samples = report.get("rejection_samples", {})
    rows = [
        {"rule": rule, "count": n, "sample rows": ", ".join(map(str, samples.get(rule, [])))}
        for rule, n in report["rejections"].items()
    ]
    if rows:
        lines += ["", table(rows, ["rule", "count", "sample rows"])]
    columns = report.get("columns") or {}
    for label in ("ignored", "dropped_phi"):
        if columns.get(label):
            lines.append(f"  columns {label.replace('_', ' ')}: {', '.join(columns[label])}")
    quality = report.get("quality") or {}
    if quality:
        lines.append(
            f"  quality: completeness {quality.get('completeness')}, validity "
            f"{quality.get('validity')}, timeliness {quality.get('timeliness_days')} d"
        )
    for anomaly in report.get("anomalies") or []:
        lines.append(f"  anomaly: {anomaly['message']}")
    lines += _remittance_lines(report.get("remittance"))
    if report.get("signals_created") is None:
        lines.append(f"  signals created: not known yet ({report.get('signals_pending')})")
    else:
        lines.append(f"  signals created: {report['signals_created']}")
    if report.get("signals_note"):
        lines.append(f"  {report['signals_note']}")
    return "\n".join(lines)


def _remittance_lines(remittance: dict | None) -> list[str]:
    """An 835's remittances in one line, and each envelope fault (row numbers are segments)."""
    if not remittance:
        return []
    unbalanced = remittance["transactions"] - remittance["balanced"]
    balance = "all balance" if not unbalanced else f"{unbalanced} do not balance"
    out = [
        f"  835: {remittance['transactions']} remittances, {remittance['claims']} claims "
        f"({balance} against BPR02); row numbers are segment numbers"
    ]
    for warning in remittance.get("envelope_warnings", []):
        out.append(f"  envelope: segment {warning['segment']}: {warning['message']}")
    return out
