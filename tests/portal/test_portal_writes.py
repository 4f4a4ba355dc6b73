"""Portal forms end to end on real Postgres: operator feedback (analyst and up), settings
(admin and up), sending a file from the browser into the local inbox and following it to its
report — and no PHI from that file on any page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from common.local.runner import BucketWatcher
from tests import api_helpers
from tests.api_helpers import PASSWORD, bearer
from tests.portal.helpers import post_form, signed_in, text
from tests.portal.test_portal_pages import pages

world, w = api_helpers.world, api_helpers.w  # fixtures


@pytest.fixture(scope="module")
def sessions(world):
    """One signed-in client per role of tenant alpha."""
    api_helpers.use_container(world.app)
    return {role: signed_in(world.a.email(role)) for role in api_helpers.ROLES}


def _api(w, path: str, role: str = "owner"):
    return w.client.get(path, headers=bearer(w.a.tokens[role])).json


def test_an_analyst_records_feedback_and_a_viewer_cannot(w, sessions):
    alert = f"/alerts/{w.a.ids['alert']}"
    form = {"verdict": "real", "reason_codes": "payer_policy_change, appeal_filed",
            "notes": "Confirmed with the payer rep", "recovered_amount": "250.50",
            "recovered_date": date.today().isoformat()}  # fmt: skip
    refused = post_form(sessions["viewer"], f"{alert}/feedback", form, token_from=alert)
    assert refused.status_code == 403
    assert "Viewers can read alerts" in text(sessions["viewer"].get(alert))
    saved = post_form(sessions["analyst"], f"{alert}/feedback", form, token_from=alert)
    assert saved.status_code == 303 and saved.headers["Location"] == f"{alert}?saved=1"
    page = text(sessions["analyst"].get(saved.headers["Location"]))
    assert "Your feedback is recorded" in page and "$250.50" in page
    assert "payer_policy_change" in page and "Confirmed with the payer rep" in page
    detail = _api(w, f"/v1/alerts/{w.a.ids['alert']}")
    assert detail["status"] == "acknowledged"
    assert detail["judgments"][0]["reason_codes"] == ["payer_policy_change", "appeal_filed"]
    assert _api(w, "/v1/dashboard")["recovery"]["all_time"] == 250.5
    home = text(sessions["viewer"].get("/"))
    assert re.search(r'id="dash-rec-all"[^>]*>\$250\.50<', home)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("recovered_amount", "-5", "greater than or equal"),
     ("recovered_date", (date.today() + timedelta(days=5)).isoformat(), "between 2000-01-01"),
     ("reason_codes", "no spaces allowed!", "String should match")],
)  # fmt: skip
def test_invalid_feedback_is_shown_on_the_form_and_not_stored(w, sessions, field, value, message):
    alert = f"/alerts/{w.a.ids['alert']}"
    before = len(_api(w, f"/v1/alerts/{w.a.ids['alert']}")["judgments"])
    form = {"verdict": "noise", field: value}
    response = post_form(sessions["analyst"], f"{alert}/feedback", form, token_from=alert)
    assert response.status_code == 422
    assert message in text(response)
    assert len(_api(w, f"/v1/alerts/{w.a.ids['alert']}")["judgments"]) == before


def test_an_admin_changes_the_default_alert_rule(w, sessions):
    rule = f"/settings/alert-rules/{w.a.ids['rule']}"
    form = {"name": "Default", "min_severity": "0.6", "webhooks": "on", "email_to": "owners",
            "enabled": "on"}  # fmt: skip
    assert post_form(sessions["analyst"], rule, form, token_from="/alerts").status_code == 403
    response = post_form(sessions["admin"], rule, form)
    assert response.status_code == 303, text(response)[:2000]
    stored = _api(w, f"/v1/alert-rules/{w.a.ids['rule']}")
    assert stored["min_severity"] == 0.6 and stored["name"] == "Default"
    assert {"type": "webhook"} in stored["channels"]
    assert {"type": "email", "to": "owners"} in stored["channels"]
    assert "0.6" in text(sessions["admin"].get("/settings/alert-rules?saved=updated"))


def test_settings_refusals_are_shown_on_the_form(w, sessions):
    bad = post_form(sessions["admin"], "/settings/alert-rules", {"name": "", "min_severity": "2"})
    assert bad.status_code == 422 and "less than or equal to 1" in text(bad)
    form = {"email": "boss@alpha.test", "password": PASSWORD, "role": "owner"}
    owner = post_form(sessions["admin"], "/settings/users", form)
    assert owner.status_code == 403 and "owner" in text(owner)


def test_a_webhook_secret_is_shown_once(w, sessions):
    admin = sessions["admin"]
    response = post_form(admin, "/settings/webhooks", {"url": "https://hooks.example.com/new"})
    assert response.status_code == 200
    secret = re.search(r'id="webhook-secret">([^<]+)<', text(response)).group(1)
    assert len(secret) >= 20
    assert secret not in text(admin.get("/settings/webhooks"))
    assert "https://hooks.example.com/new" in text(admin.get("/settings/webhooks"))


def test_payer_aliases_cpt_overrides_and_column_mappings_round_trip(w, sessions):
    admin = sessions["admin"]
    forms = {
        "payer-aliases": {"raw_name": "UHC OF TEXAS", "canonical_name": "UnitedHealthcare"},
        "cpt-overrides": {"cpt": "99214", "cpt_group": "MEDICINE"},
        "column-mappings": {"header": "Clm Sts Cd", "field": "outcome"},
    }
    for kind, form in forms.items():
        created = post_form(admin, f"/settings/{kind}", form)
        assert created.status_code == 303, (kind, text(created)[:1500])
        listing = text(admin.get(f"/settings/{kind}"))
        assert all(value in listing for value in form.values()), kind
    aliases = _api(w, "/v1/payer-aliases")["items"]
    alias = next(a for a in aliases if a["raw_name"] == "UHC OF TEXAS")
    edit = f"/settings/payer-aliases/{alias['id']}"
    changed = post_form(admin, edit, {"raw_name": "UHC OF TEXAS", "canonical_name": "UHC"})
    assert changed.status_code == 303
    gone = post_form(admin, f"{edit}/delete", {}, token_from=edit)
    assert gone.status_code == 303
    assert all(a["raw_name"] != "UHC OF TEXAS" for a in _api(w, "/v1/payer-aliases")["items"])


def test_an_admin_adds_a_user_who_can_sign_in(w, sessions):
    form = {"email": "new.analyst@alpha.test", "password": PASSWORD, "role": "analyst"}
    response = post_form(sessions["admin"], "/settings/users", form)
    assert response.status_code == 303
    newcomer = signed_in("new.analyst@alpha.test")
    assert "new.analyst@alpha.test · analyst" in text(newcomer.get("/"))


PHI_VALUES = ("123-45-6789", "(555) 867-5309", "jane.doe@example.com", "MRN 88812345",
              "Robert Johnson", "Maria Gonzalez", "M-99887766")  # fmt: skip


def _phi_file() -> bytes:
    header = (
        "Claim ID,Patient Name,Member ID,Payer,CPT,Date Submitted,Decided Date,Status,Denial Reason"
    )
    row = "{cid},Maria Gonzalez,M-99887766,{payer},99213,2026-01-05,2026-01-20,denied,{text}"
    rows = [
        row.format(cid="123-45-6789", payer="Aetna", text="x"),
        row.format(cid="P2", payer="Aetna", text="call (555) 867-5309"),
        row.format(cid="P3", payer="Aetna", text="mail jane.doe@example.com"),
        row.format(cid="P4", payer="Aetna", text="patient MRN 88812345 denied"),
        row.format(cid="P5", payer="Robert Johnson", text="x"),
        row.format(cid="P6", payer="Aetna", text="Not medically necessary"),
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_file_sent_from_the_browser_loads_and_no_page_shows_its_phi(w, sessions):
    analyst = sessions["analyst"]
    assert (
        post_form(sessions["viewer"], "/uploads/new", {}, token_from="/alerts").status_code == 403
    )
    from io import BytesIO

    token_page = text(analyst.get("/uploads/new"))
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', token_page).group(1)
    sent = analyst.post(
        "/uploads/new",
        data={"csrf_token": token, "file": (BytesIO(_phi_file()), "Maria Gonzalez claims.csv")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    waiting = sent.headers["Location"]
    assert re.fullmatch(r"/uploads/waiting/[0-9a-f]{32}", waiting)
    assert analyst.get(waiting).status_code == 200  # not picked up yet: the page waits
    names = [b.name for b in w.app.inbox.list()]
    assert any(re.fullmatch(r"alpha/portal-[0-9a-f]{32}\.csv", n) for n in names), names
    assert BucketWatcher(w.app).scan_once() >= 1  # what `upstream serve` does every second
    found = analyst.get(waiting)
    assert found.status_code == 303 and found.headers["Location"].startswith("/uploads/")
    detail = text(analyst.get(found.headers["Location"]))
    assert "partial" in detail and "phi.ssn" in detail and "Patient Name" in detail
    everything = [detail] + [text(analyst.get(path)) for path, _ in pages(w.a)
                             if not path.startswith("/settings")]  # fmt: skip
    everything += [text(sessions["admin"].get(path)) for path, _ in pages(w.a)
                   if path.startswith("/settings")]  # fmt: skip
    for html in everything:
        for value in PHI_VALUES:
            assert value not in html
        assert "Maria" not in html and "99887766" not in html
