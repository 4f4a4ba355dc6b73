#!/usr/bin/env python3
"""Post-deploy smoke test of the Upstream API (standalone: stdlib + requests).

Checks, each printed as PASS or FAIL with a reason:
  health    GET  /health                    200, database "ok"
  login     POST /v1/auth/token             access token for the smoke user
  me        GET  /v1/auth/me                the token works and names the smoke user
  uploads   GET  /v1/uploads                an authenticated read
  upload    write <customer>/smoke-<ts>.csv into the inbox (GCS bucket, or a local folder for
            `upstream serve`) and poll /v1/uploads until it is loaded

Every request is retried (connection errors, timeouts, 429 and 5xx) with exponential backoff.
Exit code 0 when every check passed, 1 otherwise, 2 on bad arguments.

Cloud:  SMOKE_PASSWORD=... python scripts/smoke_test.py --base-url "$CANDIDATE_URL" \
            --email smoke@… --customer canary --bucket "$INBOX_BUCKET"
Local:  python scripts/smoke_test.py --base-url http://127.0.0.1:8080/api --email … \
            --customer canary --inbox-dir .upstream/bucket
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

LOADED = {"loaded", "partial"}
FAILED = {"rejected", "quarantined", "failed", "duplicate"}
RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class Check:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str


class CheckFailed(Exception):
    """A check's expectation was not met (the message says which)."""


class Client:
    """requests with retries and backoff; never raises for HTTP status, only for transport."""

    def __init__(
        self,
        base_url: str,
        *,
        retries: int,
        backoff: float,
        timeout: float,
        id_token: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = max(1, retries)
        self.backoff = backoff
        self.timeout = timeout
        self.session = requests.Session()
        if id_token:
            # Cloud Run checks this header when Authorization carries the app's own token.
            self.session.headers["X-Serverless-Authorization"] = f"Bearer {id_token}"

    def request(
        self, method: str, path: str, token: str | None = None, **kwargs
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = f"{self.base_url}{path}"
        last_error = "no attempt"
        for attempt in range(1, self.retries + 1):
            try:
                response = self.session.request(
                    method, url, headers=headers, timeout=self.timeout, **kwargs
                )
            except requests.RequestException as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code not in RETRY_STATUS or attempt == self.retries:
                    return response
                last_error = f"HTTP {response.status_code}"
            if attempt < self.retries:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 10.0))
        raise CheckFailed(f"{method} {path} failed after {self.retries} attempts ({last_error})")


def _json(response: requests.Response, expected_status: int = 200) -> dict:
    if response.status_code != expected_status:
        raise CheckFailed(
            f"HTTP {response.status_code} (expected {expected_status}): {response.text[:200]!r}"
        )
    try:
        body = response.json()
    except ValueError:
        raise CheckFailed(f"not JSON: {response.text[:200]!r}") from None
    if not isinstance(body, dict):
        raise CheckFailed(f"expected a JSON object, got {type(body).__name__}")
    return body


def smoke_csv(today: date, tag: str) -> bytes:
    """Two valid, PHI-free claims in the canonical columns (SPEC §2.2)."""
    submitted = (today - timedelta(days=20)).isoformat()
    decided = (today - timedelta(days=10)).isoformat()
    rows = [
        "claim_id,payer,cpt,submitted_date,decided_date,outcome,billed_amount,paid_amount",
        f"SMOKE-{tag}-1,Smoke Test Payer,99213,{submitted},{decided},paid,150.00,95.00",
        f"SMOKE-{tag}-2,Smoke Test Payer,80053,{submitted},{decided},denied,40.00,0.00",
    ]
    return ("\n".join(rows) + "\n").encode()


def put_object(args: argparse.Namespace, name: str, data: bytes) -> str:
    """Write the test file where ingest_claims will see it; return where it went."""
    if args.inbox_dir:
        path = Path(args.inbox_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")
        partial.write_bytes(data)
        partial.replace(path)  # appear whole, as a finalized object does
        return str(path)
    try:
        from google.cloud import storage  # optional: only the cloud upload needs it
    except ImportError:
        raise CheckFailed("google-cloud-storage is not installed (needed for --bucket)") from None
    storage.Client().bucket(args.bucket).blob(name).upload_from_string(
        data, content_type="text/csv"
    )
    return f"gs://{args.bucket}/{name}"


class Smoke:
    """The checks, in order; later checks use what earlier ones produced."""

    def __init__(self, args: argparse.Namespace, client: Client) -> None:
        self.args = args
        self.client = client
        self.token: str | None = None

    def health(self) -> str:
        body = _json(self.client.request("GET", "/health"))
        if body.get("database") != "ok":
            database, status = body.get("database"), body.get("status")
            raise CheckFailed(f"database is {database!r} (status {status!r})")
        return f"status={body.get('status')} database=ok"

    def login(self) -> str:
        response = self.client.request(
            "POST",
            "/v1/auth/token",
            json={"email": self.args.email, "password": self.args.password},
        )
        body = _json(response)
        token = body.get("access_token")
        if not token or str(body.get("token_type", "")).lower() != "bearer":
            raise CheckFailed(f"no bearer access_token in the response (keys: {sorted(body)})")
        if not body.get("refresh_token"):
            raise CheckFailed("no refresh_token in the response")
        self.token = token
        return f"token for {self.args.email}, expires_in={body.get('expires_in')}"

    def me(self) -> str:
        body = _json(self.client.request("GET", "/v1/auth/me", token=self._token()))
        if str(body.get("email", "")).lower() != self.args.email.lower():
            raise CheckFailed(f"/v1/auth/me names {body.get('email')!r}")
        return f"{body.get('email')} role={body.get('role')}"

    def uploads(self) -> str:
        body = _json(self.client.request("GET", "/v1/uploads", token=self._token()))
        if not isinstance(body.get("items"), list):
            raise CheckFailed("no `items` list")
        return f"{len(body['items'])} upload(s) listed"

    def upload(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{self.args.customer}/smoke-{stamp}.csv"
        where = put_object(self.args, name, smoke_csv(datetime.now(UTC).date(), stamp))
        deadline = time.monotonic() + self.args.upload_timeout
        status = "not listed yet"
        while time.monotonic() < deadline:
            body = _json(self.client.request("GET", "/v1/uploads", token=self._token()))
            match = next(
                (
                    u
                    for u in body.get("items", [])
                    if str(u.get("object_name", "")).endswith(f"smoke-{stamp}.csv")
                ),
                None,
            )
            if match is not None:
                status = match.get("status")
                if status in LOADED:
                    return (
                        f"{where} {status}: {match.get('rows_accepted')} accepted, "
                        f"{match.get('rows_rejected')} rejected"
                    )
                if status in FAILED:
                    raise CheckFailed(f"{where} ended {status}: {match.get('error')!r}")
            time.sleep(self.args.poll_interval)
        raise CheckFailed(f"{where} not loaded after {self.args.upload_timeout:g}s ({status})")

    def _token(self) -> str:
        if not self.token:
            raise CheckFailed("skipped: no access token (login failed)")
        return self.token


def run(args: argparse.Namespace) -> list[Check]:
    client = Client(
        args.base_url,
        retries=args.retries,
        backoff=args.backoff,
        timeout=args.timeout,
        id_token=args.id_token,
    )
    smoke = Smoke(args, client)
    checks: list[tuple[str, Callable[[], str]]] = [
        ("health", smoke.health),
        ("login", smoke.login),
        ("me", smoke.me),
        ("uploads", smoke.uploads),
    ]
    if args.bucket or args.inbox_dir:
        checks.append(("upload", smoke.upload))
    results = []
    for name, check in checks:
        try:
            results.append(Check(name, True, check()))
        except CheckFailed as exc:
            results.append(Check(name, False, str(exc)))
        except Exception as exc:  # a smoke test reports every failure; it never crashes
            results.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
        line = results[-1]
        print(f"{'PASS' if line.ok else 'FAIL'} {line.name}: {line.detail}", flush=True)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--base-url",
        default=env("SMOKE_BASE_URL"),
        help="API base URL, e.g. the candidate's tagged URL (SMOKE_BASE_URL)",
    )
    p.add_argument("--email", default=env("SMOKE_EMAIL"), help="smoke user (SMOKE_EMAIL)")
    p.add_argument(
        "--password",
        default=env("SMOKE_PASSWORD"),
        help="smoke user's password; prefer the SMOKE_PASSWORD variable",
    )
    p.add_argument(
        "--customer",
        default=env("SMOKE_CUSTOMER", "canary"),
        help="canary customer slug, the upload prefix (SMOKE_CUSTOMER)",
    )
    target = p.add_mutually_exclusive_group()
    target.add_argument(
        "--bucket",
        default=env("SMOKE_INBOX_BUCKET"),
        help="inbox bucket for the test upload (SMOKE_INBOX_BUCKET)",
    )
    target.add_argument(
        "--inbox-dir",
        default=env("SMOKE_INBOX_DIR"),
        help="local inbox folder instead of a bucket (upstream serve)",
    )
    p.add_argument(
        "--id-token",
        default=env("SMOKE_ID_TOKEN"),
        help="Google ID token when the URL itself requires IAM (SMOKE_ID_TOKEN)",
    )
    p.add_argument("--retries", type=int, default=int(env("SMOKE_RETRIES", "5")))
    p.add_argument("--backoff", type=float, default=1.0, help="first retry delay, doubles")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    p.add_argument(
        "--upload-timeout",
        type=float,
        default=180.0,
        help="seconds to wait for the test upload to load",
    )
    p.add_argument("--poll-interval", type=float, default=3.0)
    args = p.parse_args(argv)
    missing = [
        flag
        for flag, value in (
            ("--base-url", args.base_url),
            ("--email", args.email),
            ("--password", args.password),
        )
        if not value
    ]
    if missing:
        p.error(f"missing {', '.join(missing)} (or their SMOKE_* variables)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"smoke test of {args.base_url}", flush=True)
    results = run(args)
    failed = [r.name for r in results if not r.ok]
    verdict = "FAILED (" + ", ".join(failed) + ")" if failed else "all passed"
    print(f"smoke: {len(results) - len(failed)}/{len(results)} checks passed, {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
