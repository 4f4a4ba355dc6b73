"""`upstream serve` over a real socket (issue 12 item 9): the access log names route templates,
never paths or query strings (they carry claim values), and what the HTTP layer refuses before
the api sees it (a request line over 64 KiB, a header line too long, a malformed request line)
is answered with the JSON error envelope, not an HTML page."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading

import pytest

from common.local.runner import make_server
from tests import api_helpers
from tests.api_helpers import bearer

world, w = api_helpers.world, api_helpers.w  # fixtures
PHI = "Jennifer"


@pytest.fixture
def served(w):
    server = make_server(w.app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(5)


def _get(port, target, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", target, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _raw(port, data: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return status, headers, body


def _access_log(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")


def test_the_access_log_names_route_templates_not_paths_or_queries(w, served, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    token = bearer(w.a.tokens["viewer"])
    status, _, _ = _get(served, f"/v1/claims?payer={PHI}%20Alvarez&limit=5", token)
    assert status == 200
    assert _get(served, f"/v1/claims/{PHI}%20Alvarez", token)[0] == 404
    assert _get(served, f"/api/v1/claims?payer={PHI}", token)[0] == 200
    assert _get(served, f"/v1/no-such/{PHI}")[0] == 404
    assert _get(served, f"/health?who={PHI}")[0] == 200
    logged = _access_log(caplog)
    assert PHI not in logged and "Alvarez" not in logged and "payer" not in logged
    assert '"GET /v1/claims" 200' in logged
    assert '"GET /v1/claims/{id}" 404' in logged
    assert '"GET <no route>" 404' in logged
    assert '"GET /health" 200' in logged


def _assert_envelope(status, headers, body, expected):
    assert status == expected, body[:200]
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["request_id"] == headers["X-Request-Id"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    return error


def test_a_request_line_over_64_kib_is_414_with_the_envelope(served, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    target = f"/v1/claims?payer={PHI}" + "x" * 70_000
    status, headers, body = _raw(served, f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    error = _assert_envelope(status, headers, body, 414)
    assert error["code"] == "request_uri_too_long"
    assert PHI not in _access_log(caplog)


def test_a_malformed_request_line_is_400_with_the_envelope_and_never_logged(served, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    for line in (
        f"GET /v1/claims?payer={PHI} extra HTTP/1.1\r\nHost: x\r\n\r\n",  # too many words
        f"GET /v1/claims?payer={PHI} HTTP/1.1 extra\r\nHost: x\r\n\r\n",  # bad version
    ):
        status, headers, body = _raw(served, line.encode())
        _assert_envelope(status, headers, body, 400)
        assert PHI.encode() not in body
    assert PHI not in _access_log(caplog)


def test_a_header_line_over_64_kib_is_431_with_the_envelope(served):
    request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 70_000 + b"\r\n\r\n"
    _assert_envelope(*_raw(served, request), 431)


def test_a_served_api_still_answers(w, served):
    status, headers, body = _get(served, "/v1/auth/me", bearer(w.a.tokens["viewer"]))
    assert status == 200 and json.loads(body)["role"] == "viewer"
