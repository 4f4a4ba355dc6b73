"""Helpers for alert, webhook and report tests: signals inserted directly, a loopback receiver."""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from collections import deque
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import insert, text

from common.db.schema import operator_judgments, signals

_seq = itertools.count(1)


def add_signal(app, customer_id: str, **fields) -> str:
    """Insert one signal row (an episode seen once, as the products would) and return its id."""
    as_of = fields.pop("as_of", date(2026, 6, 1))
    row = {
        "customer_id": customer_id,
        "product": "driftwatch",
        "type": "denial_rate_up",
        "payer": "Aetna",
        "key": "E&M",
        "direction": "up",
        "as_of": as_of,
        "window_start": as_of - timedelta(days=14),
        "window_end": as_of,
        "baseline_value": 0.08,
        "current_value": 0.2,
        "delta": 0.12,
        "n_baseline": 400,
        "n_current": 90,
        "p_value": 0.0001,
        "severity": 0.8,
        "severity_label": "high",
        "confidence": 0.9,
        "dollars_at_risk": 12000,
        "summary": "Aetna denied 20% of E&M claims in the last 14 days, up from 8%.",
        "fingerprint": f"test-{next(_seq)}-{uuid.uuid4().hex[:8]}",
    } | fields
    # Each inserted row is its own episode unless the test names one (an open episode's
    # identity is unique per customer).
    row = {
        "episode_key": row["fingerprint"],
        "first_seen_as_of": as_of,
        "last_seen_as_of": as_of,
        "peak_label": row["severity_label"],
    } | row
    with app.uow.transaction(customer_id) as conn:
        return str(conn.execute(insert(signals).values(row).returning(signals.c.id)).scalar())


def add_judgment(app, customer_id: str, alert_id: str, verdict: str, at, **fields) -> None:
    """An operator judgment on an alert, created at `at`."""
    with app.uow.transaction(customer_id) as conn:
        conn.execute(
            insert(operator_judgments).values(
                customer_id=customer_id, alert_id=alert_id, verdict=verdict, created_at=at, **fields
            )
        )


def rows(owner, query: str, **params) -> list[dict]:
    """Rows of a query as the owner (sees every tenant)."""
    with owner.connect() as conn:
        return [dict(r) for r in conn.execute(text(query), params).mappings()]


class Receiver:
    """A webhook receiver on 127.0.0.1 in a thread; answers with queued statuses (default 200).

    A queued "hang" holds the response until the test ends, so the sender's timeout fires.
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.responses: deque = deque()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                action = receiver.responses.popleft() if receiver.responses else 200
                if action == "hang":
                    receiver.release.wait(10)
                    action = 200
                self.send_response(action)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                """Quiet: the test output is the assertions."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        """The loopback URL deliveries go to."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def json(self, i: int) -> dict:
        """The i-th request body as JSON."""
        return json.loads(self.requests[i]["body"])
