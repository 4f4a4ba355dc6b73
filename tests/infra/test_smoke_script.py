"""scripts/smoke_test.py against a stand-in API on 127.0.0.1, then against `upstream serve`.

The stand-in implements the four endpoints the smoke test uses and "loads" files that appear
in a local inbox folder, with switches for each failure the script must report.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.infra.tfparse import REPO

SCRIPT = REPO / "scripts" / "smoke_test.py"
EMAIL = "smoke@canary.example"
PASSWORD = "correct horse battery staple"  # test-only credential  # pragma: allowlist secret
TOKEN = "token-123"  # pragma: allowlist secret


@dataclass
class Behaviour:
    """Switches of the stand-in API."""

    database: str = "ok"
    health_failures_first: int = 0  # answer 503 this many times before succeeding
    upload_status: str = "loaded"
    process_uploads: bool = True
    inbox: Path | None = None
    calls: list[str] = field(default_factory=list)


def _handler(behaviour: Behaviour):
    class StandIn(BaseHTTPRequestHandler):
        def log_message(self, *args):
            """Quiet: keeps pytest output clean."""

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {TOKEN}":
                return True
            self._send(401, {"error": {"code": "unauthorized"}})
            return False

        def do_GET(self):
            behaviour.calls.append(f"GET {self.path}")
            if self.path == "/health":
                if behaviour.health_failures_first > 0:
                    behaviour.health_failures_first -= 1
                    self._send(503, {"error": "starting"})
                    return
                ok = behaviour.database == "ok"
                self._send(
                    200 if ok else 503,
                    {"status": "ok" if ok else "degraded", "database": behaviour.database},
                )
            elif self.path == "/v1/auth/me" and self._authorized():
                self._send(200, {"email": EMAIL, "role": "viewer"})
            elif self.path.startswith("/v1/uploads") and self._authorized():
                items = []
                if behaviour.process_uploads and behaviour.inbox and behaviour.inbox.exists():
                    for path in sorted(behaviour.inbox.rglob("*.csv")):
                        name = path.relative_to(behaviour.inbox).as_posix()
                        items.append(
                            {
                                "object_name": name,
                                "status": behaviour.upload_status,
                                "rows_accepted": 2,
                                "rows_rejected": 0,
                                "error": None
                                if behaviour.upload_status == "loaded"
                                else "header lacks payer",
                            }
                        )
                self._send(200, {"items": items, "next_cursor": None})
            elif self.path not in ("/v1/auth/me",) and not self.path.startswith("/v1/uploads"):
                self._send(404, {"error": "not found"})

        def do_POST(self):
            behaviour.calls.append(f"POST {self.path}")
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/auth/token":
                self._send(404, {"error": "not found"})
            elif body.get("email") == EMAIL and body.get("password") == PASSWORD:
                self._send(
                    200,
                    {
                        "access_token": TOKEN,
                        "refresh_token": "refresh-1",
                        "token_type": "Bearer",
                        "expires_in": 900,
                    },
                )
            else:
                self._send(401, {"error": {"code": "invalid_credentials"}})

    return StandIn


@contextmanager
def stand_in(behaviour: Behaviour):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_smoke(base_url: str, *extra: str, password: str = PASSWORD, timeout: float = 60):
    env = {**os.environ, "SMOKE_PASSWORD": password}
    cmd = [
        sys.executable,
        str(SCRIPT),
        "--base-url",
        base_url,
        "--email",
        EMAIL,
        "--customer",
        "canary",
        "--retries",
        "3",
        "--backoff",
        "0.05",
        "--timeout",
        "5",
        "--poll-interval",
        "0.1",
        *extra,
    ]
    return subprocess.run(
        cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def lines(result) -> dict[str, str]:
    """check name -> PASS/FAIL from the script's output."""
    verdicts = {}
    for line in result.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASS", "FAIL"):
            verdicts[rest.split(":", 1)[0]] = word
    return verdicts


def test_all_checks_pass_and_the_upload_is_seen_loaded(tmp_path):
    behaviour = Behaviour(inbox=tmp_path)
    with stand_in(behaviour) as url:
        result = run_smoke(url, "--inbox-dir", str(tmp_path), "--upload-timeout", "5")
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines(result) == {
        "health": "PASS",
        "login": "PASS",
        "me": "PASS",
        "uploads": "PASS",
        "upload": "PASS",
    }
    uploaded = list((tmp_path / "canary").glob("smoke-*.csv"))
    assert len(uploaded) == 1
    header = uploaded[0].read_text().splitlines()[0]
    assert {"payer", "cpt", "submitted_date", "decided_date", "outcome"} <= set(header.split(","))
    assert "5/5 checks passed" in result.stdout


def test_without_an_upload_target_the_four_api_checks_run(tmp_path):
    with stand_in(Behaviour()) as url:
        result = run_smoke(url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(lines(result)) == {"health", "login", "me", "uploads"}


def test_transient_5xx_is_retried(tmp_path):
    behaviour = Behaviour(health_failures_first=2)
    with stand_in(behaviour) as url:
        result = run_smoke(url)
    assert result.returncode == 0, result.stdout
    assert behaviour.calls.count("GET /health") == 3


def test_unreachable_database_fails_health():
    with stand_in(Behaviour(database="unreachable")) as url:
        result = run_smoke(url)
    assert result.returncode == 1
    assert lines(result)["health"] == "FAIL"
    assert "unreachable" in result.stdout
    assert "FAILED (health)" in result.stdout


def test_wrong_password_fails_login_and_everything_that_needs_a_token(tmp_path):
    with stand_in(Behaviour(inbox=tmp_path)) as url:
        result = run_smoke(url, "--inbox-dir", str(tmp_path), password="wrong")
    assert result.returncode == 1
    assert lines(result) == {
        "health": "PASS",
        "login": "FAIL",
        "me": "FAIL",
        "uploads": "FAIL",
        "upload": "FAIL",
    }
    assert "HTTP 401" in result.stdout
    assert "wrong" not in result.stdout, "the password must never be printed"


def test_rejected_upload_fails(tmp_path):
    with stand_in(Behaviour(inbox=tmp_path, upload_status="rejected")) as url:
        result = run_smoke(url, "--inbox-dir", str(tmp_path), "--upload-timeout", "5")
    assert result.returncode == 1
    assert lines(result)["upload"] == "FAIL"
    assert "rejected" in result.stdout


def test_upload_never_processed_times_out(tmp_path):
    with stand_in(Behaviour(inbox=tmp_path, process_uploads=False)) as url:
        result = run_smoke(url, "--inbox-dir", str(tmp_path), "--upload-timeout", "0.5")
    assert result.returncode == 1
    assert lines(result)["upload"] == "FAIL"
    assert "not loaded after" in result.stdout


def test_nothing_listening_fails_every_check_without_crashing():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_smoke(f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert set(lines(result).values()) == {"FAIL"}
    assert "Traceback" not in result.stderr


def test_missing_arguments_exit_2():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("SMOKE_")},
        check=False,
    )
    assert result.returncode == 2
    assert "--base-url" in result.stderr


# --- against the real local stack -----------------------------------------------------------

UPSTREAM = shutil.which("upstream") or (
    str(Path(sys.executable).parent / "upstream")
    if (Path(sys.executable).parent / "upstream").exists()
    else None
)
API_READY = (REPO / "functions" / "api" / "main.py").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(UPSTREAM is None, reason="the `upstream` command is not installed")
@pytest.mark.skipif(not API_READY, reason="functions/api/main.py does not exist yet")
def test_smoke_passes_against_upstream_serve(tmp_path):
    # World-traversable: the embedded server runs as an unprivileged user when we are root.
    home = Path(tempfile.mkdtemp(prefix="upstream-smoke-"))
    home.chmod(0o755)
    env = {**os.environ, "UPSTREAM_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)

    def cli(*args: str, stdin: str | None = None) -> None:
        done = subprocess.run(
            [UPSTREAM, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"upstream {' '.join(args)}: {done.stdout}{done.stderr}"

    cli("migrate")
    cli("customers", "create", "canary", "--name", "Canary")
    cli(
        "users",
        "create",
        "--customer",
        "canary",
        "--email",
        EMAIL,
        "--role",
        "admin",
        stdin=PASSWORD + "\n",
    )
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [UPSTREAM, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and serve.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        result = run_smoke(
            base, "--inbox-dir", str(home / "bucket"), "--upload-timeout", "90", timeout=180
        )
        output = result.stdout + result.stderr + (tmp_path / "serve.log").read_text()[-4000:]
        assert result.returncode == 0, output
        assert lines(result)["upload"] == "PASS"
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
        log.close()
        from common.db.embedded import stop_server

        stop_server(home)
        shutil.rmtree(home, ignore_errors=True)
