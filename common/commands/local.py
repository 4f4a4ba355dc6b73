"""`upstream demo` and `upstream serve`: the local stack."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from common.commands.ingest import ingest_file, render_report
from common.commands.runtime import ready
from common.services.customers import CustomerError, create_customer
from common.synth import SynthOptions, write_claims_csv

DEMO_SLUG = "demo"


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
    from common.cli import emit

    app = ready()
    with contextlib.suppress(CustomerError):  # re-running the demo reuses its customer
        create_customer(app.uow, DEMO_SLUG, "Demo Medical Group")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims-export.csv"
        rows = write_claims_csv(path, SynthOptions(rows=args.rows))
        print(f"generated {rows} claim rows; ingesting as {DEMO_SLUG}/{path.name}", file=sys.stderr)
        report = ingest_file(app, path, DEMO_SLUG, show_progress=not args.json)
    emit(args, {"upload": report}, render_report(report))
    return 1 if report["status"] == "failed" else 0


def run_serve(args) -> None:
    """Serve until interrupted."""
    from werkzeug.serving import run_simple

    from common.local.runner import BucketWatcher, BusDriver, wsgi_app

    app = ready()
    if not app.settings.is_local:
        raise SystemExit("upstream serve runs the local stack only")
    watcher, driver = BucketWatcher(app), BusDriver(app)
    watcher.start()
    driver.start()
    print(
        f"serving {', '.join(app.function_apps.names())} on http://{args.host}:{args.port}; "
        f"drop files into {app.settings.bucket_dir}/<customer-slug>/",
        file=sys.stderr,
    )
    run_simple(args.host, args.port, wsgi_app(app), threaded=True)
