"""`upstream ingest PATH --customer SLUG [--json]`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.db.schema import signals
from common.services.customers import CustomerError, get_customer
from common.services.ingest import ObjectEvent
from common.services.ingest.event import name_problem
from common.services.ingest.ingestor import ObjectGone
from common.services.ingest.report import UploadReport

BAD_STATUSES = ("rejected", "quarantined")


def register(sub) -> None:
    """Add the ingest subcommand."""
    p = sub.add_parser("ingest", help="load a claim file through the pipeline")
    p.add_argument("path", type=Path)
    p.add_argument("--customer", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=run)


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


def ingest_file(app, path: Path, slug: str, show_progress: bool = False) -> dict:
    """Run one file through ingestion and the signal fan-out; return the report."""
    started = datetime.now(UTC)
    name = f"{slug}/{path.name}"
    problem = name_problem(name)
    if problem:
        raise BadInput(
            f"cannot store {path.name!r} for customer {slug!r}: the object name {problem}"
        )
    with open(path, "rb") as source:
        info = app.inbox.write(name, source)
    event = ObjectEvent(
        bucket=app.settings.inbox_bucket, name=info.name, generation=info.generation, size=info.size
    )
    bar = _progress_bar(info.size) if show_progress and sys.stderr.isatty() else None
    try:
        report: UploadReport = app.ingestor(progress=bar.update if bar else None).ingest_report(
            event
        )
    except ObjectGone as gone:  # deleted or replaced in the bucket before it was read
        report = gone.report
    finally:
        if bar:
            bar.close()
    if app.settings.is_local:
        app.bus.drain()
    return report.but(signals_created=_signals_since(app, slug, started)).as_dict()


def _signals_since(app, slug: str, started: datetime) -> int:
    try:
        customer = get_customer(app.uow, slug)
    except CustomerError:
        return 0
    with app.uow.transaction(customer.id) as conn:
        return conn.execute(
            select(func.count()).select_from(signals).where(signals.c.created_at >= started)
        ).scalar_one()


def _progress_bar(total: int):
    from tqdm import tqdm

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
    lines.append(f"  signals created: {report.get('signals_created', 0)}")
    return "\n".join(lines)
