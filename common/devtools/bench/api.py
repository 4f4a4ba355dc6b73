"""Bench api (`upstream bench api`): latency of the HTTP API on N claims.

A tenant with N synthetic claims (common/devtools/synth.py, loaded by `bench signals`' loader) and
signals the three products find in them; the real api WSGI app served by Werkzeug on
127.0.0.1 in a background thread; C client processes (keep-alive HTTP) hammer each endpoint
for S seconds. Reports p50/p95/p99 latency and requests/s per endpoint, plus the machine.
"""

from __future__ import annotations

import http.client
import secrets
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from common.devtools.bench.signals import bench_tenant, time_products
from common.devtools.machine import machine_info

ENDPOINTS = ("/v1/dashboard", "/v1/payers/summary", "/v1/signals/driftwatch", "/v1/claims?limit=50")
TARGET_P95_MS = 50.0


def bench_api(app, rows: int, seconds: float = 20.0, clients: int = 4, reuse: bool = False) -> dict:
    """Load, serve, hammer each endpoint from `clients` processes for `seconds`; the result."""
    customer, load_seconds, signal_count = _tenant_with_signals(app, rows, reuse)
    token = _viewer_token(app, customer)
    server, port = _serve(app)
    try:
        warm = {path: _first_request_ms(port, path, token) for path in ENDPOINTS}
        results = {path: _load(port, path, token, clients, seconds) for path in ENDPOINTS}
    finally:
        server.shutdown()
    return {
        "rows": rows,
        "signals": signal_count,
        "load_seconds": load_seconds,
        "clients": clients,
        "seconds_per_endpoint": seconds,
        "first_request_ms": warm,
        "endpoints": results,
        "target_p95_ms": TARGET_P95_MS,
        "within_target": all(r["p95_ms"] <= TARGET_P95_MS for r in results.values()),
        "machine": machine_info(app.engine),
    }


def _tenant_with_signals(app, rows: int, reuse: bool):
    """The claims tenant (shared loader of `bench signals`) and its products' signals."""
    from common.db.schema import claims, signals

    customer, load_seconds = bench_tenant(app, rows, reuse)
    with app.uow.transaction(customer.id) as conn:
        newest = conn.execute(select(func.max(claims.c.decided_date))).scalar_one()
        existing = conn.execute(select(func.count()).select_from(signals)).scalar_one()
    if not existing:
        time_products(app, customer.id, newest + timedelta(days=1))
    with app.uow.transaction(customer.id) as conn:
        count = conn.execute(select(func.count()).select_from(signals)).scalar_one()
    print(f"tenant {customer.slug}: {rows} claims, {count} signals", file=sys.stderr)
    return customer, load_seconds, count


def _viewer_token(app, customer) -> str:
    """A fresh viewer of the bench tenant, logged in through the real login service."""
    from common.services.auth import login
    from common.services.users import create_user

    email = f"bench-{secrets.token_hex(4)}@{customer.slug}.bench"
    password = secrets.token_urlsafe(18)
    create_user(app.uow, customer, email, "viewer", password, actor="bench")
    return login(app.uow, app.tokens, email, password, client_ip="bench").access_token


def _serve(app):
    """The deployed api function's WSGI app on 127.0.0.1, HTTP/1.1 keep-alive, threaded."""
    import logging

    from werkzeug.serving import WSGIRequestHandler, make_server

    class KeepAlive(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_request(self, *args, **kwargs):
            """Quiet: a line per request is noise in a load test."""

    logging.getLogger("upstream.api").setLevel(logging.WARNING)
    server = make_server(
        "127.0.0.1", 0, app.function_apps.app("api"), threaded=True, request_handler=KeepAlive
    )
    threading.Thread(target=server.serve_forever, daemon=True, name="bench-api").start()
    return server, server.server_port


def _first_request_ms(port: int, path: str, token: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    conn.close()
    return round((time.perf_counter() - started) * 1000, 1)


def _load(port: int, path: str, token: str, clients: int, seconds: float) -> dict:
    with ProcessPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(_client, port, path, token, seconds) for _ in range(clients)]
        runs = [f.result() for f in futures]
    latencies = sorted(ms for run in runs for ms in run["latencies"])
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "errors": sum(run["errors"] for run in runs),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(quantiles[49], 2),
        "p95_ms": round(quantiles[94], 2),
        "p99_ms": round(quantiles[98], 2),
    }


def _client(port: int, path: str, token: str, seconds: float) -> dict:
    """One client process: keep-alive requests back to back for `seconds`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        errors += response.status != 200
    conn.close()
    return {"latencies": latencies, "errors": errors}


def render(result: dict) -> str:
    """The human rendering: one line per endpoint."""
    lines = [
        f"{result['rows']} claims, {result['signals']} signals, {result['clients']} clients, "
        f"{result['seconds_per_endpoint']} s per endpoint (target p95 <= {TARGET_P95_MS} ms)"
    ]
    for path, r in result["endpoints"].items():
        lines.append(
            f"  {path:28} p50 {r['p50_ms']:7.2f}  p95 {r['p95_ms']:7.2f}  p99 {r['p99_ms']:7.2f} ms"
            f"  {r['requests_per_second']:8.1f} req/s  errors {r['errors']}"
        )
    lines.append(f"machine: {result['machine']}")
    return "\n".join(lines)
