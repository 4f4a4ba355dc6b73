"""`upstream serve`: every function on one port, a bucket watcher and the bus driver."""

from __future__ import annotations

import logging
import threading
import time

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from common.bootstrap import Container
from common.local.events import finalized_event
from common.services.ingest import QUARANTINE_PREFIX
from common.services.ingest.uploads import fail_stuck

log = logging.getLogger(__name__)


def wsgi_app(app: Container):
    """`/<function>/` for every function; the api (when present) also answers at `/`."""
    names = app.function_apps.names()
    mounts = {f"/{name}": app.function_apps.app(name) for name in names}
    root = app.function_apps.app("api") if "api" in names else Response("not found", 404)
    return DispatcherMiddleware(root, mounts)


class BucketWatcher(threading.Thread):
    """Polls the bucket folder and sends object.finalized events to ingest_claims."""

    def __init__(self, app: Container, interval: float = 1.0) -> None:
        super().__init__(daemon=True, name="bucket-watcher")
        self.app = app
        self.interval = interval
        self.seen: set[tuple[str, str]] = set()
        self.stop = threading.Event()

    def scan_once(self) -> int:
        """Deliver an event for every object generation not seen yet; return how many."""
        client = self.app.function_apps.app("ingest_claims").test_client()
        delivered = 0
        for blob in self.app.inbox.list():
            key = (blob.name, blob.generation)
            if blob.name.startswith(QUARANTINE_PREFIX) or key in self.seen:
                continue
            headers, data = finalized_event(self.app.settings.inbox_bucket, blob)
            response = client.post("/", headers=headers, json=data)
            if response.status_code < 300:
                self.seen.add(key)
                delivered += 1
            else:
                log.error("ingest failed; will retry", extra={"object": blob.name})
        return delivered

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.scan_once()
            except Exception:  # noqa: BLE001 - keep watching; the error is logged
                log.exception("bucket scan failed")
            self.stop.wait(self.interval)


class BusDriver(threading.Thread):
    """Drains the outbox and the in-process bus, sends due webhook retries and sweeps stuck
    uploads."""

    def __init__(self, app: Container, interval: float = 0.5, retry_every: float = 30.0) -> None:
        super().__init__(daemon=True, name="bus-driver")
        self.app = app
        self.interval = interval
        self.retry_every = retry_every
        self.stop = threading.Event()

    def run(self) -> None:
        next_retry_pass = 0.0
        while not self.stop.is_set():
            try:
                self.app.relay.flush()
                self.app.bus.drain()
                if time.monotonic() >= next_retry_pass:
                    self.app.alerts.deliver_due()
                    fail_stuck(self.app.uow)  # uploads stuck after a killed load (SPEC 2.6)
                    next_retry_pass = time.monotonic() + self.retry_every
            except Exception:  # noqa: BLE001 - keep driving; the error is logged
                log.exception("bus drain failed")
            self.stop.wait(self.interval)
