"""Helpers for API tests: the deployed api function, tenants with one user per role, seed rows.

The `world` fixture (module scope) builds two tenants with data once per test module; tests
that use it get its container installed again before each test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import functions_framework
import pytest
from sqlalchemy import create_engine, insert, text

from common.bootstrap import Container, use_container
from common.config import Settings
from common.db import schema as s
from common.domain.columns import normalise_header
from common.services import rollups
from common.services.customers import create_customer
from common.services.sessions import issue_tokens
from common.services.users import create_user

ROOT = Path(__file__).resolve().parent.parent
API_SOURCE = str(ROOT / "functions" / "api" / "main.py")
PASSWORD = "correct horse battery staple"
ROLES = ("owner", "admin", "analyst", "viewer")
JWT_KEYS = "k1:" + "a" * 40 + ",k0:" + "b" * 40


def api_client():
    """The deployed api function behind a functions-framework test client."""
    return functions_framework.create_app(target="api", source=API_SOURCE).test_client()


def api_settings(database_url: str, home: Path, **overrides) -> Settings:
    """Local settings on the test database with fixed JWT keys (k1 signs, k0 verifies)."""
    home.mkdir(parents=True, exist_ok=True)
    values = {"home": home, "database_url": database_url, "bus_backoff_seconds": 0.001}
    return Settings(**(values | {"jwt_keys": JWT_KEYS} | overrides))


def truncate_all(database_url: str) -> None:
    """Empty every table as the owner (RLS does not apply)."""
    engine = create_engine(database_url)
    names = ", ".join(t.name for t in s.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def bearer(token: str) -> dict:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def login(client, email: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    """POST /v1/auth/token from `ip`; returns the response."""
    return client.post(
        "/v1/auth/token",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


@dataclass
class Tenant:
    """A customer with one user per role, their tokens and seeded row ids."""

    slug: str
    customer_id: str
    users: dict[str, str] = field(default_factory=dict)  # role → user id
    tokens: dict[str, str] = field(default_factory=dict)  # role → access token
    ids: dict[str, object] = field(default_factory=dict)

    def email(self, role: str) -> str:
        """The e-mail of this tenant's user with `role`."""
        return f"{role}@{self.slug}.test"


def make_tenant(app: Container, slug: str) -> Tenant:
    """A customer (with its default rule) and one user per role.

    The owner goes through `create_user`; the others reuse its argon2 hash (hashing is
    deliberately slow, and the same password is fine here).
    """
    customer = create_customer(app.uow, slug, slug.title())
    tenant = Tenant(slug, customer.id)
    owner = create_user(app.uow, customer, tenant.email("owner"), "owner", PASSWORD)
    tenant.users["owner"] = owner["id"]
    with app.uow.transaction(customer.id) as conn:
        hashed = conn.execute(
            text("SELECT password_hash FROM users WHERE id = :i"), {"i": owner["id"]}
        ).scalar()
        for role in ROLES[1:]:
            values = {"customer_id": customer.id, "email": tenant.email(role), "role": role}
            user = insert(s.users).values(password_hash=hashed, **values).returning(s.users.c.id)
            tenant.users[role] = str(conn.execute(user).scalar())
    return tenant


def log_everyone_in(client, app: Container, tenant: Tenant) -> None:
    """Fill tenant.tokens: the owner through POST /v1/auth/token, the rest minted directly."""
    response = login(client, tenant.email("owner"))
    assert response.status_code == 200, response.json
    tenant.tokens["owner"] = response.json["access_token"]
    with app.uow.transaction(tenant.customer_id) as conn:
        for role in ROLES[1:]:
            pair = issue_tokens(
                conn, app.tokens, tenant.users[role], tenant.customer_id, role, uuid.uuid4()
            )
            tenant.tokens[role] = pair.access_token


def seed(app: Container, owner, tenant: Tenant) -> None:
    """Rows of every kind the API reads, as the owner (the pipeline's job in real life)."""
    cid, today = tenant.customer_id, date.today()
    with owner.begin() as conn:
        upload = _insert(
            conn,
            s.uploads,
            customer_id=cid,
            object_name=f"{tenant.slug}/jan.csv",
            generation="1",
            status="partial",
            rows_total=4,
            rows_accepted=3,
            rows_rejected=1,
            report={"rejections": {"date.invalid": 1}},
            completed_at=datetime.now(UTC),
        )
        conn.execute(
            insert(s.upload_rejections).values(
                customer_id=cid,
                upload_id=upload,
                row_number=4,
                column_name="decided_date",
                rule="date.invalid",
            )
        )
        claims = [
            _insert(conn, s.claims, **_claim(cid, upload, n, payer, outcome, today))
            for n, (payer, outcome) in enumerate(
                [("Aetna", "PAID"), ("Aetna", "DENIED"), ("Cigna", "DENIED")]
            )
        ]
        rollups.rebuild(conn, cid)
        signals = {
            product: _insert(conn, s.signals, **_signal(cid, product, today))
            for product in ("driftwatch", "denialscope", "delayguard")
        }
        rule = conn.execute(
            text("SELECT id FROM alert_rules WHERE customer_id = :c"), {"c": cid}
        ).scalar()
        alert = _insert(
            conn,
            s.alerts,
            customer_id=cid,
            signal_id=signals["driftwatch"],
            rule_id=rule,
            status="sent",
            severity_label="medium",
        )
        report_name = f"{tenant.slug}/reports/weekly.csv"
        report = _insert(
            conn,
            s.reports,
            customer_id=cid,
            kind="weekly",
            format="csv",
            period_start=today - timedelta(7),
            period_end=today,
            object_name=report_name,
            size_bytes=9,
        )
        alias = _insert(
            conn,
            s.payer_aliases,
            customer_id=cid,
            raw_name="AETNA INC",
            raw_key="aetna inc",
            canonical_name="Aetna",
        )
        override = _insert(conn, s.cpt_overrides, customer_id=cid, cpt="99499", cpt_group="E&M")
        column = _insert(
            conn,
            s.column_mappings,
            customer_id=cid,
            header="Pyr Nm",
            header_key=normalise_header("Pyr Nm"),
            field="payer",
        )
        webhook = _insert(
            conn,
            s.webhook_endpoints,
            customer_id=cid,
            url="https://hooks.example.com/x",
            secret_encrypted="not-a-secret",
        )
        remittance = _insert(
            conn,
            s.remittances,
            customer_id=cid,
            upload_id=upload,
            segment=3,
            payer="Aetna",
            payment_amount=100,
            claims=1,
            lines=1,
            claims_paid=100,
            provider_adjustments_total=0,
            balanced=True,
        )
    app.reports_store.write(report_name, b"a,b\n1,2\n")
    tenant.ids.update(
        upload=upload,
        claim=claims[0],
        claims=claims,
        signal=signals,
        alert=alert,
        rule=rule,
        report=report,
        alias=alias,
        override=override,
        column=column,
        webhook=webhook,
        remittance=remittance,
    )


def _insert(conn, table, **values):
    return conn.execute(insert(table).values(**values).returning(table.c.id)).scalar()


def _claim(cid, upload, n, payer, outcome, today):
    return {
        "customer_id": cid,
        "upload_id": upload,
        "line_key": f"c:C{n}\x1fn1",
        "line_number": 1,
        "claim_id": f"C{n}",
        "payer": payer,
        "cpt": "99213",
        "cpt_group": "E&M",
        "submitted_date": today - timedelta(30),
        "decided_date": today - timedelta(10 + n),
        "outcome": outcome,
        "billed_amount": 150,
        "allowed_amount": 100,
        "paid_amount": 100 if outcome == "PAID" else 0,
        "denial_reason_code": "CO-16" if outcome == "DENIED" else None,
    }


def _signal(cid, product, today):
    return {
        "customer_id": cid,
        "product": product,
        "type": "denial_rate_up",
        "payer": "Cigna",
        "key": "E&M",
        "direction": "up",
        "as_of": today,
        "window_start": today - timedelta(14),
        "window_end": today,
        "baseline_value": 0.07,
        "current_value": 0.3,
        "delta": 0.23,
        "n_baseline": 400,
        "n_current": 90,
        "p_value": 0.0001,
        "severity": 0.46,
        "severity_label": "medium",
        "confidence": 0.9,
        "dollars_at_risk": 1234.5,
        "summary": "Cigna denies more E&M claims",
        "fingerprint": f"{product}-{uuid.uuid4()}",
        "episode_key": f"{product}-{uuid.uuid4()}",
        "first_seen_as_of": today,
        "last_seen_as_of": today,
        "peak_label": "medium",
    }


@dataclass
class World:
    """Two seeded tenants behind one api client."""

    app: Container
    client: object
    owner: object
    a: Tenant
    b: Tenant


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    """Tenants alpha and bravo with data and tokens, built once per module."""
    truncate_all(database_url)
    app = Container(api_settings(database_url, tmp_path_factory.mktemp("api-home")))
    use_container(app)
    owner = create_engine(database_url)
    client = api_client()
    a, b = make_tenant(app, "alpha"), make_tenant(app, "bravo")
    for tenant in (a, b):
        seed(app, owner, tenant)
        log_everyone_in(client, app, tenant)
    yield World(app, client, owner, a, b)
    use_container(None)
    app.engine.dispose()
    owner.dispose()


@pytest.fixture
def w(world):
    """The module's world, its container installed for this test."""
    use_container(world.app)
    yield world
    use_container(None)


# Which seeded id each `{id}` path uses, and a valid body per write route (matrix tests).
ID_KEYS = {
    "/v1/uploads/{id}": "upload",
    "/v1/claims/{id}": "claim",
    "/v1/signals/{product}/{id}": "signal",
    "/v1/alerts/{id}": "alert",
    "/v1/alerts/{id}/feedback": "alert",
    "/v1/reports/{id}/download": "report",
    "/v1/alert-rules/{id}": "rule",
    "/v1/webhooks/{id}": "webhook",
    "/v1/payer-aliases/{id}": "alias",
    "/v1/cpt-overrides/{id}": "override",
    "/v1/column-mappings/{id}": "column",
    "/v1/users/{id}": "user",
    "/v1/remittances/{id}": "remittance",
}
BODIES = {
    ("POST", "/v1/auth/token"): {"email": "nobody@x.test", "password": "wrong password!"},
    ("POST", "/v1/auth/refresh"): {"refresh_token": "x"},
    ("POST", "/v1/auth/logout"): {},
    ("POST", "/v1/alerts/{id}/feedback"): {"verdict": "noise", "reason_codes": ["dup"]},
    ("POST", "/v1/alert-rules"): {"name": "Big ones", "min_dollars": 5000},
    ("PATCH", "/v1/alert-rules/{id}"): {"enabled": False},
    ("POST", "/v1/webhooks"): {"url": "https://hooks.example.com/new"},
    ("PATCH", "/v1/webhooks/{id}"): {"active": False},
    ("POST", "/v1/payer-aliases"): {"raw_name": "CIGNA CORP", "canonical_name": "Cigna"},
    ("PATCH", "/v1/payer-aliases/{id}"): {"canonical_name": "Aetna Inc"},
    ("POST", "/v1/cpt-overrides"): {"cpt": "99213", "cpt_group": "MEDICINE"},
    ("PATCH", "/v1/cpt-overrides/{id}"): {"cpt_group": "SURGERY"},
    ("POST", "/v1/column-mappings"): {"header": "Clm Sts Cd", "field": "outcome"},
    ("PATCH", "/v1/column-mappings/{id}"): {"field": "cpt"},
    ("POST", "/v1/users"): {"email": "new@x.test", "role": "viewer", "password": PASSWORD},
    ("PATCH", "/v1/users/{id}"): {"active": False},
    ("POST", "/v1/recompute"): {},
}


def concrete(route, tenant: Tenant) -> tuple[str, dict | None]:
    """A callable path for `route` using `tenant`'s rows, and a valid body for writes."""
    path = route.path
    key = ID_KEYS.get(path)
    if key == "signal":
        path = path.replace("{product}", "driftwatch")
        value = tenant.ids["signal"]["driftwatch"]
    elif key == "user":
        value = tenant.users["viewer"]
    elif key:
        value = tenant.ids[key]
    else:
        value = None
    path = path.replace("{product}", "driftwatch")
    if value is not None:
        path = path.replace("{id}", str(value))
    body = BODIES.get((route.method, route.path))
    return path, body


def call(client, method: str, path: str, token: str | None = None, body=None, **kwargs):
    """One request with an optional bearer token and JSON body."""
    headers = bearer(token) if token else {}
    headers |= kwargs.pop("headers", {})
    return client.open(path, method=method, headers=headers, json=body, **kwargs)
