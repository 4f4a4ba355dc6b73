"""`upstream serve`: every function on one port, a bucket watcher and the bus driver."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Response

from common.bootstrap import Container
from common.local.events import finalized_event
from common.services.ingest import QUARANTINE_PREFIX
from common.services.ingest.uploads import fail_stuck
from common.web.errors import error_document
from common.web.responses import SECURITY_HEADERS, dumps

log = logging.getLogger(__name__)


# Functions served under another path than their name: the portal is where people go.
MOUNTS = {"portal": "/app"}


def wsgi_app(app: Container):
    """`/<function>/` for every function (the portal at `/app/`); the api (when present) also
    answers at `/`."""
    names = app.function_apps.names()
    mounts = {MOUNTS.get(name, f"/{name}"): app.function_apps.app(name) for name in names}
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


def make_server(app: Container, host: str, port: int):
    """The threaded HTTP server `upstream serve` runs (port 0: any free port)."""
    from werkzeug.serving import make_server as werkzeug_server

    handler = type("ServeHandler", (EdgeRequestHandler,), {"labels": RouteLabels(app)})
    return werkzeug_server(host, port, wsgi_app(app), threaded=True, request_handler=handler)


def serve(app: Container, host: str, port: int) -> None:
    """Serve every function on host:port until interrupted (Ctrl-C closes the socket)."""
    make_server(app, host, port).serve_forever()


class RouteLabels:
    """What the access log names for a request path: its route template, never the path.

    A path can carry claim values (`/v1/claims/Jennifer%20Alvarez`), a query string always can
    (`?payer=…`): the log gets `/v1/claims/{id}`, `/ingest_claims/` or `<no route>`.
    """

    def __init__(self, app: Container) -> None:
        from common.web.routes import route_table

        self.functions = {MOUNTS.get(n, f"/{n}").strip("/") for n in app.function_apps.names()}
        self.patterns = [(route.pattern(), route.path) for route in route_table()]

    def __call__(self, target: str) -> str:
        path = unquote(urlsplit(target).path)
        first = path.strip("/").split("/", 1)[0]
        if first in self.functions and first != "api":
            return f"/{first}/"
        if first == "api" and "api" in self.functions:
            path = path[len("/api") :] or "/"
        return next((template for p, template in self.patterns if p.match(path)), "<no route>")


class EdgeRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, with the request line kept out of logs and JSON errors throughout.

    The HTTP layer answers some requests before any function sees them (a request line over
    64 KiB: 414, a header line too long: 431, a malformed request line: 400, …); those get the
    API's error envelope instead of an HTML page. Logs name the route template, never the
    request line (it holds the query string).
    """

    labels: RouteLabels

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        target = getattr(self, "path", "") if getattr(self, "command", "") else ""
        label = self.labels(target) if target else "-"
        self.log("info", '"%s %s" %s %s', self.command or "-", label, code, size)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        # `message` can quote the request line ("Bad request syntax ('GET /?payer=…')").
        status = HTTPStatus(code)
        rid = uuid.uuid4().hex
        if self.request_version == "HTTP/0.9":  # unparsed version: still send a status line
            self.request_version = "HTTP/1.0"
        self.log_error("code %d, %s", code, status.phrase)
        body = dumps(error_document(status.name.lower(), status.phrase, None, rid))
        self.send_response(code, status.phrase)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", rid)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
