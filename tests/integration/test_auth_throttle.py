"""Failed-login throttling lives in Postgres: two app instances (each with its own container
and connection pool) on one database share it. 5 failures per 15 minutes per account and per
client IP, then 429 with Retry-After."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text

from common.bootstrap import Container, use_container
from common.services.customers import create_customer
from common.services.users import create_user
from common.web.context import Context
from tests.api_helpers import PASSWORD, api_client, api_settings, login


@pytest.fixture
def two_instances(app, database_url, tmp_path):
    """Two deployed api apps, each answering through its own Container/engine."""
    customer = create_customer(app.uow, "throttled", "Throttled")
    for name in ("ann", "bob", "cy"):
        create_user(app.uow, customer, f"{name}@t.test", "viewer", PASSWORD)
    containers = [Container(api_settings(database_url, tmp_path / f"i{n}")) for n in (1, 2)]
    clients = [api_client(), api_client()]

    def attempt(n: int, email: str, password: str, ip: str):
        use_container(containers[n % 2])  # alternate instances request by request
        return login(clients[n % 2], email, password, ip)

    yield attempt
    use_container(app)
    for c in containers:
        if "engine" in c.__dict__:
            c.engine.dispose()


def test_five_failures_per_account_then_429_on_every_instance(two_instances, owner):
    counter = itertools.count()
    for _ in range(5):
        ip = f"10.0.0.{next(counter)}"  # different IPs: only the account key fills up
        assert two_instances(next(counter), "ann@t.test", "wrong password!", ip).status_code == 401
    for n in (0, 1):  # both instances now refuse, even the right password
        blocked = two_instances(n, "ann@t.test", PASSWORD, "10.0.1.1")
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["Retry-After"]) <= 900
        assert blocked.json["error"]["code"] == "too_many_requests"
    assert two_instances(0, "bob@t.test", PASSWORD, "10.0.1.2").status_code == 200
    with owner.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_events")).scalars().all()
    assert actions.count("auth.login_failed") == 5 and "auth.login_throttled" in actions


def test_five_failures_from_one_ip_block_that_ip_for_every_account(two_instances):
    for n, email in enumerate(["ann@t.test", "bob@t.test", "cy@t.test", "x@t.test", "y@t.test"]):
        assert two_instances(n, email, "wrong password!", "192.0.2.7").status_code == 401
    assert two_instances(5, "cy@t.test", PASSWORD, "192.0.2.7").status_code == 429
    assert two_instances(6, "cy@t.test", PASSWORD, "192.0.2.8").status_code == 200


def test_a_successful_login_resets_the_account_counter(two_instances):
    for n in range(4):
        assert two_instances(n, "ann@t.test", "wrong password!", f"10.1.0.{n}").status_code == 401
    assert two_instances(4, "ann@t.test", PASSWORD, "10.1.0.9").status_code == 200
    for n in range(4):
        assert two_instances(n, "ann@t.test", "wrong password!", f"10.2.0.{n}").status_code == 401
    assert two_instances(0, "ann@t.test", PASSWORD, "10.2.0.9").status_code == 200


def test_unknown_accounts_fail_like_wrong_passwords(two_instances):
    unknown = two_instances(0, "ghost@t.test", "whatever password", "10.3.0.1")
    wrong = two_instances(1, "ann@t.test", "whatever password", "10.3.0.2")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json["error"]["message"] == wrong.json["error"]["message"]


class _Request:
    def __init__(self, forwarded: str, remote: str) -> None:
        self.headers = {"X-Forwarded-For": forwarded}
        self.remote_addr = remote


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client cannot pick its address
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "127.0.0.1"),
    ],
)
def test_client_ip_trusts_only_configured_proxy_hops(
    database_url, tmp_path, hops, forwarded, expected
):
    settings = api_settings(database_url, tmp_path, trusted_proxy_hops=hops)
    ctx = Context(Container(settings), _Request(forwarded, "127.0.0.1"), "rid")
    assert ctx.client_ip == expected
