"""Signed webhook delivery against a real HTTP receiver on 127.0.0.1; URL policy; secrets.

No test sends traffic anywhere but loopback: refused URLs are refused before any connection,
and cloud-mode checks use IP literals or `localhost`, which resolve without DNS.
"""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from common.config import Thresholds
from common.domain.messages import SignalsRaised
from common.services.alerts import (
    AlertService,
    UrlRefused,
    check_webhook_url,
    create_webhook_endpoint,
    list_webhook_endpoints,
    rotate_webhook_secret,
    signature_header,
    update_webhook_endpoint,
    verify_signature,
)
from common.services.customers import create_customer
from tests.alert_helpers import Receiver, add_signal, rows

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
FAST = Thresholds(webhook_timeout_seconds=0.3)


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.fixture
def service(app):
    """The alert service with a short request timeout (no test waits 10 s)."""
    return AlertService(app.uow, app.secret_box, app.email_sender, FAST, local_mode=True)


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def raise_alert(app, service, customer, now=T0):
    sid = add_signal(app, customer.id)
    message = SignalsRaised(customer_id=customer.id, product="driftwatch", signal_ids=(sid,))
    return service.dispatch(f"m-{sid}", message, now=now)


def delivery(owner) -> dict:
    [row] = rows(owner, "SELECT * FROM webhook_deliveries")
    return row


def attempts(owner) -> list[dict]:
    return rows(owner, "SELECT * FROM webhook_attempts ORDER BY attempt_no")


def alert_status(owner) -> str:
    return rows(owner, "SELECT status FROM alerts")[0]["status"]


def test_delivery_is_signed_and_verifies(app, acme, service, receiver, owner):
    endpoint, secret = create_webhook_endpoint(
        app.uow, acme.id, receiver.url, "ops", app.secret_box, local_mode=True
    )
    result = raise_alert(app, service, acme)
    assert result.delivery.delivered == 1
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert verify_signature(secret, headers["Upstream-Signature"], body)
    assert not verify_signature("whsec_wrong", headers["Upstream-Signature"], body)
    assert not verify_signature(secret, headers["Upstream-Signature"], body + b" ")
    assert headers["Upstream-Event"] == "alert.created"
    assert headers["Upstream-Delivery"] == str(delivery(owner)["id"])
    payload = json.loads(body)
    assert set(payload) == {"id", "type", "created_at", "customer", "data"}
    assert payload["customer"] == {"id": acme.id, "slug": "acme"}
    signal = payload["data"]["signal"]
    assert (signal["product"], signal["payer"], signal["key"]) == ("driftwatch", "Aetna", "E&M")
    assert delivery(owner)["status"] == "delivered" and alert_status(owner) == "sent"
    [attempt] = attempts(owner)
    assert (attempt["status_code"], attempt["error"]) == (200, None)
    assert endpoint["id"] == str(delivery(owner)["endpoint_id"])


def test_verify_signature_rejects_stale_and_malformed_headers():
    body, secret, t = b'{"id":"x"}', "whsec_test", 1_800_000_000
    header = signature_header(secret, body, t)
    assert verify_signature(secret, header, body, now=t + 299)
    assert not verify_signature(secret, header, body, now=t + 301)
    assert not verify_signature(secret, header, body, now=t - 301)
    assert verify_signature(secret, f"t={t},v1=deadbeef,{header.split(',')[1]}", body, now=t)
    for bad in ("", "v1=abc", f"t={t}", "t=soon,v1=abc", header.replace("t=", "ts=")):
        assert not verify_signature(secret, bad, body, now=t)


def test_a_500_is_retried_after_1_then_2_minutes(app, acme, service, receiver, owner):
    create_webhook_endpoint(app.uow, acme.id, receiver.url, None, app.secret_box, True)
    receiver.responses.extend([500, 503])
    raise_alert(app, service, acme, now=T0)
    assert delivery(owner)["next_attempt_at"] == T0 + timedelta(minutes=1)
    assert service.deliver_due(T0 + timedelta(seconds=59)).attempted == 0
    assert service.deliver_due(T0 + timedelta(minutes=1)).retrying == 1
    assert delivery(owner)["next_attempt_at"] == T0 + timedelta(minutes=3)
    assert alert_status(owner) == "open"
    assert service.deliver_due(T0 + timedelta(minutes=3)).delivered == 1
    assert [a["status_code"] for a in attempts(owner)] == [500, 503, 200]
    assert [a["attempt_no"] for a in attempts(owner)] == [1, 2, 3]
    assert delivery(owner)["status"] == "delivered" and alert_status(owner) == "sent"


def test_a_timeout_is_recorded_and_retried(app, acme, service, receiver, owner):
    create_webhook_endpoint(app.uow, acme.id, receiver.url, None, app.secret_box, True)
    receiver.responses.append("hang")
    raise_alert(app, service, acme, now=T0)
    [attempt] = attempts(owner)
    assert attempt["error"] == "timeout" and attempt["status_code"] is None
    assert delivery(owner)["status"] == "pending"
    receiver.release.set()
    assert service.deliver_due(T0 + timedelta(minutes=1)).delivered == 1


def test_stops_after_five_retries_and_fails_the_alert(app, acme, service, receiver, owner):
    create_webhook_endpoint(app.uow, acme.id, receiver.url, None, app.secret_box, True)
    receiver.responses.extend([500] * 10)
    raise_alert(app, service, acme, now=T0)
    for minutes in (1, 3, 7, 15, 31):
        assert service.deliver_due(T0 + timedelta(minutes=minutes)).attempted == 1
    final = delivery(owner)
    assert final["status"] == "failed" and final["next_attempt_at"] is None
    assert final["attempts"] == 6 and len(attempts(owner)) == 6
    assert all(a["error"] == "HTTP 500" for a in attempts(owner))
    assert alert_status(owner) == "failed"
    assert service.deliver_due(T0 + timedelta(days=1)).attempted == 0
    assert len(receiver.requests) == 6


@pytest.mark.parametrize(
    ("url", "local_mode"),
    [
        ("http://10.0.0.1/hook", False),
        ("http://10.0.0.1/hook", True),
        ("https://10.0.0.1/hook", False),
        ("http://169.254.169.254/latest/meta-data", True),
        ("https://169.254.169.254/latest/meta-data", False),
        ("https://localhost/hook", False),
        ("https://127.0.0.1:8443/hook", False),
        ("https://[::1]/hook", False),
        ("https://[::ffff:192.168.1.1]/hook", False),
        ("https://224.0.0.1/hook", False),
        ("https://0.0.0.0/hook", False),
        ("http://example.com/hook", True),
        ("ftp://example.com/hook", True),
        ("file:///etc/passwd", True),
        ("https://user:pw@example.com/hook", True),
        ("https:///nohost", True),
    ],
)
def test_ssrf_targets_are_refused(app, acme, url, local_mode, owner):
    with pytest.raises(UrlRefused):
        create_webhook_endpoint(app.uow, acme.id, url, None, app.secret_box, local_mode)
    assert rows(owner, "SELECT * FROM webhook_endpoints") == []


def test_public_https_literal_passes_cloud_policy_without_traffic():
    assert check_webhook_url("https://93.184.216.34/hook", local_mode=False)
    assert check_webhook_url("https://example.com/hook", local_mode=True)
    assert check_webhook_url("http://localhost:9000/hook", local_mode=True)


def test_a_url_changed_behind_the_policy_is_refused_at_delivery(app, acme, service, owner):
    create_webhook_endpoint(app.uow, acme.id, "http://127.0.0.1:9/hook", None, app.secret_box, True)
    with owner.begin() as conn:
        conn.execute(text("UPDATE webhook_endpoints SET url = 'http://10.0.0.1/hook'"))
    raise_alert(app, service, acme)
    [attempt] = attempts(owner)
    assert attempt["error"].startswith("refused") and attempt["duration_ms"] == 0


def test_secret_is_shown_once_and_stored_encrypted(app, acme, owner):
    endpoint, secret = create_webhook_endpoint(
        app.uow, acme.id, "https://hooks.example.com/u", "ops", app.secret_box, True
    )
    assert secret.startswith("whsec_") and len(secret) > 40
    [stored] = rows(owner, "SELECT secret_encrypted FROM webhook_endpoints")
    assert secret not in stored["secret_encrypted"]
    assert app.secret_box.decrypt(stored["secret_encrypted"]) == secret
    listed = list_webhook_endpoints(app.uow, acme.id)
    assert listed == [endpoint] and "secret" not in json.dumps(listed)
    _, rotated = rotate_webhook_secret(app.uow, acme.id, endpoint["id"], app.secret_box)
    assert rotated != secret
    assert (app.settings.home / "secret.key").stat().st_mode & 0o777 == 0o600


def test_inactive_endpoints_get_nothing(app, acme, service, receiver, owner):
    endpoint, _ = create_webhook_endpoint(
        app.uow, acme.id, receiver.url, None, app.secret_box, True
    )
    update_webhook_endpoint(app.uow, acme.id, endpoint["id"], {"active": False}, True)
    result = raise_alert(app, service, acme)
    assert result.deliveries == 0 and receiver.requests == []
    with pytest.raises(UrlRefused):
        update_webhook_endpoint(app.uow, acme.id, endpoint["id"], {"url": "http://8.8.8.8/"}, True)


def test_signature_timestamp_is_current(app, acme, service, receiver):
    _, secret = create_webhook_endpoint(app.uow, acme.id, receiver.url, None, app.secret_box, True)
    raise_alert(app, service, acme)
    header = receiver.requests[0]["headers"]["Upstream-Signature"]
    t = int(header.split(",")[0][2:])
    assert abs(time.time() - t) < 60
