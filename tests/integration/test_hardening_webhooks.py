"""Issue 12 item 3: the webhook sender connects only to the addresses its policy checked.

No test sends traffic anywhere but loopback. The DNS-rebinding test plays the attacker's DNS
by answering `socket.getaddrinfo` for one made-up name (a public address first, 127.0.0.1
after) and keeps urllib3's connect from ever opening a socket to a public address.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from urllib3.util import connection as urllib3_connection

from common.config import Thresholds
from common.domain.messages import SignalsRaised
from common.services.alerts import AlertService, UrlRefused, check_webhook_url
from common.services.alerts import create_webhook_endpoint as create_endpoint
from common.services.alerts.url_policy import is_public_address, webhook_target
from common.services.alerts.webhooks import DeliveryPolicy, post_webhook
from common.services.customers import create_customer
from tests.alert_helpers import Receiver, add_signal, rows

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
PUBLIC = "93.184.216.34"


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


class Listener:
    """A TCP listener on 127.0.0.1 that only counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            conn.close()

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def rebinding_dns(monkeypatch):
    """`rebind.test` answers a public address once, then 127.0.0.1; connects are recorded and
    a connect to any public address is refused here, before a packet leaves."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = urllib3_connection.create_connection
    state = {"lookups": 0, "connects": []}

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        state["lookups"] += 1
        address = PUBLIC if state["lookups"] == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]

    def create_connection(address, *args, **kwargs):
        state["connects"].append(address)
        try:
            public = ipaddress.ip_address(address[0]).is_global
        except ValueError:
            public = False  # a name: resolved by getaddrinfo above
        if public:
            raise ConnectionRefusedError("test: no traffic to public addresses")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(urllib3_connection, "create_connection", create_connection)
    return state


def test_a_rebinding_name_never_gets_a_connection_to_loopback(app, acme, owner, rebinding_dns):
    with Listener() as loopback:
        url = f"https://rebind.test:{loopback.port}/hook"
        # Stored in local mode: no DNS at creation, so the first answer goes to the sender.
        create_endpoint(app.uow, acme.id, url, None, app.secret_box, True)
        cloud = AlertService(
            app.uow,
            app.secret_box,
            app.email_sender,
            Thresholds(webhook_timeout_seconds=1),
            local_mode=False,
        )
        sid = add_signal(app, acme.id)
        raised = SignalsRaised(customer_id=acme.id, product="driftwatch", signal_ids=(sid,))
        cloud.dispatch("m-1", raised, now=T0)
        cloud.deliver_due(T0 + timedelta(minutes=1))  # the retry: the name now says 127.0.0.1

    assert loopback.accepted == 0
    # One lookup per attempt, and the only connect went to the address that was checked.
    assert rebinding_dns["lookups"] == 2
    assert rebinding_dns["connects"] == [(PUBLIC, loopback.port)]
    first, second = rows(owner, "SELECT error FROM webhook_attempts ORDER BY attempt_no")
    assert first["error"] == "ConnectionError"
    assert second["error"].startswith("refused: host resolves to a private")


# A local TLS receiver: a test CA, a certificate for one name, SNI recorded.


def _certificates(tmp_path, name: str) -> tuple[str, str, str]:
    """(CA bundle, server certificate, server key) files for `name` (DNS SAN only)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "upstream test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    files = {
        "ca.pem": ca.public_bytes(pem),
        "cert.pem": cert.public_bytes(pem),
        "key.pem": key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    }
    for filename, data in files.items():
        (tmp_path / filename).write_bytes(data)
    return tuple(str(tmp_path / f) for f in files)


class TlsReceiver(Receiver):
    """The loopback receiver behind TLS with a certificate for `name`; records SNI names."""

    def __init__(self, cert: str, key: str) -> None:
        super().__init__()
        self.sni: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda sock, name, ctx: self.sni.append(name)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]


def only(name: str, address: str = "127.0.0.1"):
    """A resolver that knows one name."""

    def resolve(host: str, port: int) -> list[str]:
        assert host == name, host
        return [address]

    return resolve


def test_pinning_keeps_host_sni_and_certificate_checks_on_the_name(tmp_path):
    ca, cert, key = _certificates(tmp_path, "hooks.test")
    policy = DeliveryPolicy(
        timeout_seconds=5, local_mode=True, resolve=only("hooks.test"), ca_bundle=ca
    )
    with TlsReceiver(cert, key) as receiver:
        url = f"https://hooks.test:{receiver.port}/hook?x=1"
        result = post_webhook(url, "whsec_x", "d-1", "alert.created", {"a": 1}, policy)
    assert (result.ok, result.status_code, result.error) == (True, 200, None), result
    [request] = receiver.requests
    assert request["headers"]["Host"] == f"hooks.test:{receiver.port}"
    assert request["path"] == "/hook?x=1"
    assert request["headers"]["Upstream-Delivery"] == "d-1"
    assert receiver.sni == ["hooks.test"]


def test_the_certificate_is_checked_against_the_name_not_the_address(tmp_path):
    ca, cert, key = _certificates(tmp_path, "other.test")
    policy = DeliveryPolicy(
        timeout_seconds=5, local_mode=True, resolve=only("hooks.test"), ca_bundle=ca
    )
    with TlsReceiver(cert, key) as receiver:
        url = f"https://hooks.test:{receiver.port}/hook"
        result = post_webhook(url, "whsec_x", "d-1", "alert.created", {"a": 1}, policy)
    assert not result.ok and result.error == "SSLError"
    assert receiver.requests == []


def test_plain_http_to_loopback_in_local_mode_sends_the_name_as_host():
    policy = DeliveryPolicy(timeout_seconds=5, local_mode=True, resolve=only("localhost"))
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        result = post_webhook(
            f"http://localhost:{port}/hook", "whsec_x", "d-2", "alert.created", {}, policy
        )
    assert result.ok, result
    assert receiver.requests[0]["headers"]["Host"] == f"localhost:{port}"


def test_each_attempt_resolves_once_and_checks_what_it_resolved():
    answers = iter([[PUBLIC], ["127.0.0.1"]])
    calls = []

    def resolve(host, port):
        calls.append((host, port))
        return next(answers)

    target = webhook_target("https://hooks.example/x", False, resolve)
    assert target.addresses == (PUBLIC,) and target.host == "hooks.example"
    policy = DeliveryPolicy(local_mode=False, resolve=resolve)
    result = post_webhook("https://hooks.example/x", "s", "d", "alert.created", {}, policy)
    assert result.error == "refused: host resolves to a private, loopback or reserved address"
    assert calls == [("hooks.example", 443)] * 2


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2002:a9fe:a9fe::1",  # 6to4 of the metadata server
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "::ffff:0:7f00:1",  # IPv4-translated
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata server
        "64:ff9b:1::a00:1",  # local-use NAT64
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "::a9fe:a9fe",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "100.64.0.1",  # shared address space
    ],
)
def test_ipv6_forms_of_private_ipv4_are_refused(address):
    assert not is_public_address(address)
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(UrlRefused):
        check_webhook_url(f"https://{literal}/hook", local_mode=False)
    with pytest.raises(UrlRefused):
        webhook_target("https://hooks.example/x", False, only("hooks.example", address))


@pytest.mark.parametrize(
    "address", ["2002:5db8:d822::1", "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2606:4700::1"]
)
def test_ipv6_forms_of_public_addresses_pass(address):
    assert is_public_address(address)
    assert check_webhook_url(f"https://[{address}]/hook", local_mode=False)
