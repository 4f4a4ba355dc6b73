"""`upstream demo` and `upstream serve`: the local stack."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from datetime import date
from pathlib import Path

from common.commands.ingest import ingest_file, render_report
from common.commands.ops import ALERT_COLUMNS
from common.commands.output import emit
from common.commands.runtime import ready, table
from common.commands.signals import render as render_signals
from common.commands.signals import signal_document
from common.devtools.synth import SynthOptions, write_claims_csv
from common.devtools.x12_synth import RemitOptions, write_remittance_835
from common.services.alerts.listing import list_alerts
from common.services.customers import CustomerError, create_customer, get_customer
from common.services.reports import write_weekly_report
from common.services.signals.store import list_signals

DEMO_SLUG = "demo"
# The demo's 835 (SPEC 2.7): one payer's remittances, a tenth of the CSV's lines (≤ 3,000).
DEMO_REMIT_PAYER, DEMO_REMIT_SHARE, DEMO_REMIT_MAX = "Aetna", 10, 3_000


def register(sub) -> None:
    """Add the demo and serve subcommands."""
    d = sub.add_parser("demo", help="run the whole pipeline on synthetic claims")
    d.add_argument("--rows", type=int, default=30_000)
    d.add_argument("--json", action="store_true")
    d.set_defaults(handler=run_demo)
    s = sub.add_parser("serve", help="run every function on one port with the bucket watcher")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--host", default="127.0.0.1")
    s.set_defaults(handler=run_serve)


def run_demo(args) -> int:
    """Embedded Postgres, demo tenant, synthetic file, full pipeline, printed results."""
    app = ready()
    with contextlib.suppress(CustomerError):  # re-running the demo reuses its customer
        create_customer(app.uow, DEMO_SLUG, "Demo Medical Group")
    customer = get_customer(app.uow, DEMO_SLUG)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims-export.csv"
        rows = write_claims_csv(path, SynthOptions(rows=args.rows))
        print(f"generated {rows} claim rows; ingesting as {DEMO_SLUG}/{path.name}", file=sys.stderr)
        report = ingest_file(app, path, DEMO_SLUG, show_progress=not args.json)
        remit = Path(tmp) / "era-aetna.835"
        lines = max(1, min(args.rows // DEMO_REMIT_SHARE, DEMO_REMIT_MAX))
        write_remittance_835(remit, RemitOptions(lines=lines, payers=(DEMO_REMIT_PAYER,)))
        print(f"generated an 835 of {lines} lines; ingesting it too", file=sys.stderr)
        remittance = ingest_file(app, remit, DEMO_SLUG, show_progress=False)
    with app.uow.transaction(customer.id) as conn:
        found = [signal_document(r) for r in list_signals(conn, None, None)]
    alerts = list_alerts(app.uow, customer.id)
    written = write_weekly_report(app.uow, app.reports_store, customer, date.today())
    files = [str(app.settings.reports_dir / r["object_name"]) for r in written]
    doc = {
        "upload": report,
        "remittance_upload": remittance,
        "signals": found,
        "alerts": alerts,
        "report_files": files,
    }
    emit(args, doc, _render_demo(report, remittance, found, alerts, files))
    return 1 if "failed" in (report["status"], remittance["status"]) else 0


def _render_demo(report, remittance, found: list[dict], alerts: list[dict], files) -> str:
    at_risk = sum(s["dollars_at_risk"] or 0 for s in found)
    return "\n".join(
        [
            "== upload ==",
            render_report(report),
            "",
            "== 835 remittance upload ==",
            render_report(remittance),
            "",
            f"== signals ({len(found)}, ${at_risk:,.0f} at risk) ==",
            render_signals(found),
            "",
            f"== alerts ({len(alerts)}) ==",
            table(
                [a | {"created_at": a["created_at"][:16].replace("T", " ")} for a in alerts],
                ALERT_COLUMNS,
            ),
            "",
            "== weekly report ==",
            *files,
        ]
    )


def run_serve(args) -> None:
    """Serve until interrupted."""
    from common.local.runner import BucketWatcher, BusDriver, serve

    app = ready()
    if not app.serves_locally:
        raise SystemExit("upstream serve runs the local stack only")
    watcher, driver = BucketWatcher(app), BusDriver(app)
    watcher.start()
    driver.start()
    print(
        f"serving {', '.join(app.function_apps.names())} on http://{args.host}:{args.port}; "
        f"drop files into {app.settings.bucket_dir}/<customer-slug>/",
        file=sys.stderr,
    )
    serve(app, args.host, args.port)  # JSON errors and route-template access log
