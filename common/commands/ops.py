"""`upstream recompute`, `upstream alerts`, `upstream report`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.db.queries import sql
from common.db.schema import dead_letters
from common.db.schema.signals import PRODUCTS
from common.services.customers import CustomerError, active_customers, get_customer

ALERT_COLUMNS = [
    "created_at", "status", "product", "type", "payer", "key", "severity_label",
    "dollars_at_risk", "delivery_status", "suppressed_reason",
]  # fmt: skip


def register(sub) -> None:
    """Add recompute, alerts and report."""
    r = sub.add_parser("recompute", help="recompute signals for one or every active customer")
    r.add_argument("--customer", metavar="SLUG")
    r.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=run_recompute)
    a = sub.add_parser("alerts", help="alerts with status, signal and delivery outcome")
    a.add_argument("--customer", required=True, metavar="SLUG")
    a.add_argument("--limit", type=int, default=200)
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=run_alerts)
    p = sub.add_parser("report", help="write the weekly report (PDF + CSV) to the reports store")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--customer", metavar="SLUG")
    which.add_argument("--all", action="store_true", help="every active customer (the schedule)")
    p.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_report)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from None


def _customer(app, slug: str):
    try:
        return get_customer(app.uow, slug)
    except CustomerError as exc:
        raise BadInput(str(exc)) from None


def run_recompute(args) -> int:
    """Publish RecomputeRequested; locally drain the bus and count what it produced."""
    from common.bus.outbox import add_message
    from common.domain.messages import RecomputeRequested
    from common.topology import RECOMPUTE_REQUESTED

    app = ready()
    customer = _customer(app, args.customer) if args.customer else None
    as_of = args.as_of or datetime.now(UTC).date()
    started = datetime.now(UTC)
    request = RecomputeRequested(customer_id=customer.id if customer else None, as_of=as_of)
    with app.uow.transaction() as conn:
        add_message(conn, RECOMPUTE_REQUESTED, request)
        targets = [customer] if customer else active_customers(conn)
    app.relay.flush()
    if not app.bus.delivers_in_process:
        emit(args, {"requested": True, "as_of": as_of}, f"recompute requested for {as_of}")
        return 0
    app.bus.drain()
    doc = _recompute_outcome(app, targets, started) | {"as_of": as_of.isoformat()}
    emit(args, doc, _render_recompute(doc))
    if doc["dead_letters"]:
        print(f"upstream: {doc['dead_letters']} message(s) dead-lettered", file=sys.stderr)
        return 1
    return 0


def _recompute_outcome(app, targets, started: datetime) -> dict:
    signals = dict.fromkeys(PRODUCTS, 0)
    alerts: dict[str, int] = {}
    for customer in targets:
        with app.uow.transaction(customer.id) as conn:
            rows = conn.execute(
                sql("recompute_outcome"), {"customer_id": customer.id, "since": started}
            ).all()
        for kind, label, n in rows:
            bucket = signals if kind == "signal" else alerts
            bucket[label] = bucket.get(label, 0) + n
    with app.uow.transaction() as conn:
        dead = conn.execute(
            select(func.count()).select_from(dead_letters).where(dead_letters.c.dead_at >= started)
        ).scalar_one()
    return {
        "customers": [c.slug for c in targets],
        "signals_created": signals,
        "signals_total": sum(signals.values()),
        "alerts_created": alerts,
        "dead_letters": dead,
    }


def _render_recompute(doc: dict) -> str:
    rows = [{"product": p, "signals": n} for p, n in doc["signals_created"].items()]
    alerts = ", ".join(f"{n} {s}" for s, n in sorted(doc["alerts_created"].items())) or "none"
    return "\n".join(
        [
            f"recomputed {len(doc['customers'])} customer(s) as of {doc['as_of']}",
            table(rows, ["product", "signals"]),
            f"signals created: {doc['signals_total']}; alerts: {alerts}",
        ]
    )


def run_alerts(args) -> None:
    """List a customer's alerts."""
    from common.services.alerts.listing import list_alerts

    app = ready()
    customer = _customer(app, args.customer)
    alerts = list_alerts(app.uow, customer.id, limit=max(1, min(args.limit, 10_000)))
    rows = [a | {"created_at": a["created_at"][:16].replace("T", " ")} for a in alerts]
    emit(args, alerts, table(rows, ALERT_COLUMNS))


def run_report(args) -> None:
    """Write the weekly report and say where it went."""
    from common.services.reports import write_weekly_report

    app = ready()
    if args.all:
        with app.uow.transaction() as conn:
            targets = active_customers(conn)
    else:
        targets = [_customer(app, args.customer)]
    as_of = args.as_of or datetime.now(UTC).date()
    rows = [
        {"customer": customer.slug}
        | {k: str(v) if isinstance(v, date) else v for k, v in r.items() if k != "customer_id"}
        for customer in targets
        for r in write_weekly_report(app.uow, app.reports_store, customer, as_of)
    ]
    where = app.reports_location
    doc = {"as_of": as_of.isoformat(), "reports": rows}
    if not args.all:
        doc["customer"] = targets[0].slug
    human = "\n".join(f"wrote {where}/{r['object_name']} ({r['size_bytes']:,} bytes)" for r in rows)
    emit(args, doc, human)
