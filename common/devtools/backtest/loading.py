"""The backtest's side of the pipeline: files into the Ingestor, the tenant's outbox, the guard.

Files go into the inbox bucket as `<slug>/<name>.csv` and through `Ingestor.ingest`, the code
path of `functions/ingest_claims`. The messages the ingest and the products leave in the outbox
are taken for the backtest tenant only (other tenants' rows stay for the real relay):
ClaimsLoaded is set aside, because the replay runs the products itself with the simulated
day's as_of (the fan-out would use today's date); SignalsRaised goes to alert dispatch, with
the simulated day as the clock.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

from sqlalchemy import func, or_, select, text, update

from common.db.engine import build_engine
from common.db.schema import claims, outbox
from common.devtools.backtest.claims import HEADER
from common.domain.messages import SignalsRaised, decode
from common.services.ingest import ObjectEvent
from common.services.ingest.ingestor import Ingestor
from common.topology import SIGNALS_RAISED

ANALYZED = ("claims", "claim_versions", "claim_rollups", "claim_rollups_groups",
            "claim_rollups_reasons", "claim_rollups_payments", "claim_rollups_aging")  # fmt: skip


class BacktestError(RuntimeError):
    """The replay could not do what it promises (a file did not load, or data leaked)."""


def ingestor(app) -> Ingestor:
    """The ingest use case with no relay after commit: `take_messages` empties the outbox."""
    return Ingestor(
        app.uow,
        app.inbox,
        app.settings.thresholds,
        batch_rows=app.settings.ingest_batch_rows,
        after_commit=lambda: None,
    )


def ingest_rows(app, loader: Ingestor, slug: str, name: str, rows: list[list[str]]) -> dict:
    """Write the rows as a CSV object, ingest it, remove the object; the upload report."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    blob = app.inbox.write(f"{slug}/{name}", buffer.getvalue().encode())
    event = ObjectEvent(app.settings.inbox_bucket, blob.name, blob.generation, blob.size)
    try:
        report = loader.ingest(event)
    finally:
        app.inbox.delete(blob.name)
    if report["status"] != "loaded" or report["rows_accepted"] != len(rows):
        raise BacktestError(
            f"{name} for {slug}: {report['status']}, {report['rows_accepted']} of {len(rows)} "
            f"rows accepted, rejections {report['rejections']}"
        )
    return report


def analyze(app) -> None:
    """Planner statistics after a history load, as autoanalyze gathers them a little later:
    without them the first day's merge of payment updates can take a minute, not 0.1 s."""
    owner = build_engine(app.settings, as_app_role=False)
    try:
        with owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in ANALYZED:
                conn.execute(text(f"ANALYZE {table}"))
    finally:
        owner.dispose()


def take_messages(app, customer_id: str) -> list[tuple[str, SignalsRaised]]:
    """Mark the tenant's pending outbox rows published; the SignalsRaised among them."""
    raised = []
    with app.uow.transaction() as conn:
        rows = conn.execute(
            select(outbox.c.id, outbox.c.topic, outbox.c.payload)
            .where(
                outbox.c.published_at.is_(None),
                outbox.c.attributes["customer_id"].astext == str(customer_id),
            )
            .order_by(outbox.c.id)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            message_id = f"backtest-{uuid.uuid4().hex}"
            conn.execute(
                update(outbox)
                .where(outbox.c.id == row.id)
                .values(published_at=func.now(), message_id=message_id)
            )
            if row.topic == SIGNALS_RAISED:
                raised.append((message_id, decode(row.payload.encode(), SignalsRaised)))
    return raised


def dispatch_raised(app, customer_id: str, now) -> int:
    """Alert dispatch for what the products raised; the alerts it created."""
    created = 0
    for message_id, message in take_messages(app, customer_id):
        created += app.alerts.dispatch(message_id, message, now=now).alerts
    return created


def assert_known_before(app, customer_id: str, as_of: date) -> None:
    """The as-of guarantee, checked on the data itself: no decision and no payment dated on or
    after `as_of` is in the tenant's lines when a product runs for it."""
    with app.uow.transaction(customer_id) as conn:
        leaked = conn.execute(
            select(func.count())
            .select_from(claims)
            .where(or_(claims.c.decided_date >= as_of, claims.c.payment_date >= as_of))
        ).scalar_one()
    if leaked:
        raise BacktestError(
            f"{leaked} lines decided or paid on or after {as_of} were loaded before the "
            f"products ran for {as_of}"
        )
