"""The portal in a real browser: Chromium (Debian's, through Playwright) against the local
stack `upstream serve` runs — every function on one port, the bucket watcher and the bus
driver — on embedded Postgres with six months of synthetic claims.

Signs in as each role, checks the dashboard's numbers against GET /v1/dashboard, sends a file
and watches it load, opens an episode, gives feedback as an analyst (a viewer is refused),
changes an alert rule as an admin, signs out and is refused. Full-page screenshots of every
page go to the test's output folder (and to /tmp/portal-shots/ when that folder exists).
Nothing is installed or downloaded here: without /usr/bin/chromium the test is skipped.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest

from common.bootstrap import Container, use_container
from common.commands.ingest import ingest_file
from common.devtools.synth import SynthOptions, write_claims_csv
from common.devtools.x12_synth import RemitOptions, write_remittance_835
from common.local.runner import BucketWatcher, BusDriver, make_server
from common.services.customers import get_customer
from common.services.reports import write_weekly_report
from common.web.portal.render import money, num
from tests.api_helpers import PASSWORD, api_settings, make_tenant, truncate_all

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS_COPY = Path("/tmp/portal-shots")  # noqa: S108 - a folder people look at, if they made it
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium is not installed at /usr/bin/chromium (./dev test installs Debian's)",
)


@pytest.fixture(scope="module")
def stack(database_url, tmp_path_factory):
    """`upstream serve` in this process on a free port, with tenant alpha's data loaded."""
    truncate_all(database_url)
    app = Container(api_settings(database_url, tmp_path_factory.mktemp("portal-home")))
    use_container(app)
    tenant = make_tenant(app, "alpha")
    source = tmp_path_factory.mktemp("claims") / "claims-export.csv"
    write_claims_csv(source, SynthOptions(rows=12_000))
    ingest_file(app, source, "alpha")
    remit = source.with_name("era-aetna.835")
    write_remittance_835(remit, RemitOptions(lines=600, payers=("Aetna",)))
    ingest_file(app, remit, "alpha")
    write_weekly_report(app.uow, app.reports_store, get_customer(app.uow, "alpha"), date.today())
    server = make_server(app, "localhost", 0)
    workers = [BucketWatcher(app, interval=0.3), BusDriver(app, interval=0.2)]
    for worker in workers:
        worker.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, tenant, f"http://localhost:{server.server_port}"
    server.shutdown()
    server.server_close()
    for worker in workers:
        worker.stop.set()
    use_container(None)
    app.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium with the flags a closed network needs (a fresh profile per launch)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


class Shots:
    """Full-page screenshots under the test's output folder (and a copy for people)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> None:
        """Save the page, after checking it fits its viewport's width (wide tables scroll
        inside their own box, never the page)."""
        width = page.viewport_size["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if SHOTS_COPY.is_dir() and os.access(SHOTS_COPY, os.W_OK):  # another user's: skip
            shutil.copy(path, SHOTS_COPY / path.name)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return Shots(tmp_path_factory.mktemp("portal-screenshots"))


def _sign_in(browser, base: str, email: str, width: int = 1280, height: int = 800):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{base}/app/")
    assert "/app/sign-in" in page.url
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/app/")
    return context, page


def _nav(page, name: str):
    return page.get_by_role("navigation").get_by_role("link", name=name, exact=True)


def _api(base: str, path: str, email: str) -> dict:
    """GET an API path with a token from POST /v1/auth/token, over the same socket."""
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        body = json.dumps({"email": email, "password": PASSWORD})
        conn.request("POST", "/v1/auth/token", body, {"Content-Type": "application/json"})
        token = json.loads(conn.getresponse().read())["access_token"]
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def test_every_role_signs_in_and_sees_the_api_dashboard(stack, browser, shots):
    app, tenant, base = stack
    doc = _api(base, "/v1/dashboard", tenant.email("viewer"))
    assert doc["claims"] > 10_000 and doc["open_signals"]["total"] > 0
    for role in ("viewer", "analyst", "admin", "owner"):
        context, page = _sign_in(browser, base, tenant.email(role))
        assert page.locator("#dash-claims").inner_text() == num(doc["claims"])
        assert page.locator("#dash-uploads").inner_text() == num(doc["uploads"])
        assert page.locator("#dash-open").inner_text() == num(doc["open_signals"]["total"])
        assert page.locator("#dash-risk").inner_text() == money(doc["dollars_at_risk"])
        for label in ("critical", "high", "medium", "low"):
            shown = page.locator(f"#dash-sev-{label}").inner_text()
            assert shown == num(doc["open_signals"][label])
        settings = _nav(page, "Settings")
        assert settings.count() == (1 if role in ("admin", "owner") else 0)
        if role == "owner":
            shots.take(page, "01-dashboard")
        context.close()
    context, page = _sign_in(browser, base, tenant.email("viewer"), width=390, height=844)
    shots.take(page, "02-dashboard-phone")
    page.goto(f"{base}/app/signals")
    shots.take(page, "03-signals-phone")
    context.close()


def test_an_analyst_sends_a_file_and_watches_it_load(stack, browser, shots, tmp_path):
    app, tenant, base = stack
    context, page = _sign_in(browser, base, tenant.email("analyst"))
    _nav(page, "Uploads").click()
    shots.take(page, "04-uploads")
    page.get_by_role("link", name="Send a file").first.click()
    shots.take(page, "05-upload-new")
    path = tmp_path / "march-remits.csv"
    write_claims_csv(path, SynthOptions(rows=400, seed=7))
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r".*/app/uploads/[0-9a-f-]{36}$"), timeout=30_000)
    page.wait_for_function(
        "!document.querySelector('.lead .status.st-received, .lead .status.st-processing')",
        timeout=30_000,
    )
    assert page.locator(".lead .status").inner_text() in ("loaded", "partial")
    assert "march-remits" not in page.content()  # stored under a generated name
    shots.take(page, "06-upload-detail")
    context.close()


def test_an_episode_and_feedback_as_analyst_refused_as_viewer(stack, browser, shots):
    app, tenant, base = stack
    context, page = _sign_in(browser, base, tenant.email("analyst"))
    _nav(page, "Signals").click()
    shots.take(page, "07-signals")
    page.locator("table.data a[href*='/app/signals/']").first.click()
    page.get_by_role("heading", name="History").wait_for()
    assert page.locator(".summary").inner_text().strip()
    shots.take(page, "08-episode")
    _nav(page, "Alerts").click()
    shots.take(page, "09-alerts")
    page.locator("table.data a[href*='/app/alerts/']").first.click()
    alert_url = page.url
    page.get_by_label(re.compile("^Real")).check()
    page.get_by_label("Reason codes").fill("payer_policy_change")
    page.get_by_label("Notes").fill("Confirmed on the payer portal")
    page.get_by_label("Recovered amount ($)").fill("1200")
    page.get_by_label("Recovered on").fill(date.today().isoformat())
    page.get_by_role("button", name="Record feedback").click()
    page.get_by_text("Your feedback is recorded").wait_for()
    assert "$1,200.00" in page.content()
    shots.take(page, "10-alert-feedback")
    context.close()

    context, page = _sign_in(browser, base, tenant.email("viewer"))
    page.goto(alert_url)
    assert page.get_by_role("button", name="Record feedback").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = context.request.post(
        f"{alert_url}/feedback", form={"verdict": "noise", "csrf_token": token}
    )
    assert refused.status == 403
    context.close()


def test_an_admin_changes_an_alert_rule(stack, browser, shots):
    app, tenant, base = stack
    context, page = _sign_in(browser, base, tenant.email("admin"))
    _nav(page, "Settings").click()
    shots.take(page, "11-settings")
    for kind in ("webhooks", "payer-aliases", "cpt-overrides", "column-mappings", "users"):
        page.goto(f"{base}/app/settings/{kind}")
        shots.take(page, f"12-settings-{kind}")
    page.goto(f"{base}/app/settings/alert-rules")
    shots.take(page, "13-alert-rules")
    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    page.get_by_label("Minimum severity (0–1)").fill("0.55")
    shots.take(page, "14-alert-rule-edit")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: updated").wait_for()
    assert "0.55" in page.locator("table.data").inner_text()
    _nav(page, "Remittances").click()
    assert "Aetna" in page.locator("table.data").inner_text()  # its AETNA, spelt as the export
    shots.take(page, "15-remittances")
    _nav(page, "Reports").click()
    shots.take(page, "15-reports")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download PDF")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(f"{base}/app/alerts/00000000-0000-4000-8000-000000000000")
    shots.take(page, "16-not-found")
    context.close()


def test_sign_out_and_be_refused(stack, browser, shots):
    app, tenant, base = stack
    context, page = _sign_in(browser, base, tenant.email("owner"))
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out").wait_for()
    shots.take(page, "17-signed-out")
    page.goto(f"{base}/app/alerts")
    assert "/app/sign-in" in page.url
    page.get_by_label("E-mail").fill(tenant.email("owner"))
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("do not match").wait_for()
    shots.take(page, "18-sign-in-refused")
    # By keyboard alone: the skip link comes first, the e-mail field has the focus.
    page.get_by_label("Password").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(tenant.email("owner"))
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/app/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()
