"""Alert rules, suppression and idempotent dispatch on real Postgres."""

from datetime import UTC, datetime, timedelta

import pytest

from common.domain.messages import SignalsRaised
from common.services.alerts import (
    AlertConfigError,
    NotFound,
    create_rule,
    create_webhook_endpoint,
    delete_rule,
    list_alerts,
    list_rules,
    update_rule,
)
from common.services.customers import create_customer
from common.services.users import create_user
from tests.alert_helpers import Receiver, add_judgment, add_signal, rows

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def acme(app):
    customer = create_customer(app.uow, "acme", "Acme Clinic")
    create_user(app.uow, customer, "owner@acme.test", "owner", "correct horse battery")
    return customer


def dispatch(app, customer, *signal_ids, now=T0, message_id=None, product="driftwatch"):
    message = SignalsRaised(customer_id=customer.id, product=product, signal_ids=signal_ids)
    return app.alerts.dispatch(message_id or f"msg-{signal_ids[0]}", message, now=now)


def alerts_of(owner):
    return rows(owner, "SELECT * FROM alerts ORDER BY created_at, id")


def test_default_rule_alerts_on_severity_at_least_0_7_and_emails_owners(app, acme, owner):
    high = add_signal(app, acme.id, severity=0.7)
    low = add_signal(app, acme.id, severity=0.69, payer="Cigna")
    result = dispatch(app, acme, high, low)
    assert (result.signals, result.alerts, result.suppressed) == (2, 1, 0)
    [alert] = alerts_of(owner)
    assert str(alert["signal_id"]) == high and alert["status"] == "sent"
    [email] = [e for e in app.email_sender.sent if e.alert_id == str(alert["id"])]
    assert email.to == ("owner@acme.test",)
    assert "Aetna" in email.subject and email.summary.startswith("Aetna denied")


def test_rules_scope_and_conditions_apply_to_every_product(app, acme, owner):
    rule = create_rule(
        app.uow,
        acme.id,
        {
            "name": "Cigna denials",
            "product": "denialscope",
            "payer": "cigna",
            "min_dollars": 5000,
            "min_abs_delta": 0.02,
            "channels": [{"type": "email", "to": "ops@acme.test"}],
        },
    )
    match = add_signal(
        app,
        acme.id,
        product="denialscope",
        type="reason_rate_spike",
        payer="Cigna",
        key="CO-50",
        severity=0.3,
        delta=-0.05,
        dollars_at_risk=6000,
    )
    cheap = add_signal(
        app,
        acme.id,
        product="denialscope",
        type="reason_rate_spike",
        payer="Cigna",
        key="CO-16",
        severity=0.3,
        dollars_at_risk=100,
    )
    other = add_signal(
        app,
        acme.id,
        product="delayguard",
        type="payment_delay",
        payer="Cigna",
        key=None,
        severity=0.3,
        dollars_at_risk=9000,
    )
    dispatch(app, acme, match, cheap, other)
    [alert] = alerts_of(owner)
    assert (str(alert["signal_id"]), str(alert["rule_id"])) == (match, rule["id"])
    assert any(e.to == ("ops@acme.test",) for e in app.email_sender.sent)


def test_a_signal_matching_two_rules_gets_one_alert_per_rule(app, acme, owner):
    create_rule(app.uow, acme.id, {"name": "everything"})
    sid = add_signal(app, acme.id, severity=0.9)
    assert dispatch(app, acme, sid).alerts == 2
    assert len({a["rule_id"] for a in alerts_of(owner)}) == 2


def test_cooldown_suppresses_the_same_key_for_four_hours(app, acme, owner):
    first = add_signal(app, acme.id)
    again = add_signal(app, acme.id, as_of=T0.date() + timedelta(days=1))
    other_key = add_signal(app, acme.id, key="RADIOLOGY")
    later = add_signal(app, acme.id, as_of=T0.date() + timedelta(days=2))
    dispatch(app, acme, first, now=T0)
    dispatch(app, acme, again, other_key, now=T0 + timedelta(hours=1))
    dispatch(app, acme, later, now=T0 + timedelta(hours=4, minutes=1))
    status = {str(a["signal_id"]): a for a in alerts_of(owner)}
    assert status[first]["status"] == "sent"
    assert status[again]["status"] == "suppressed"
    assert status[again]["suppressed_reason"].startswith("cooldown")
    assert status[other_key]["status"] == "sent"
    assert status[later]["status"] == "sent"


def test_two_noise_verdicts_in_30_days_suppress_the_key(app, acme, owner):
    old = [add_signal(app, acme.id, as_of=T0.date() - timedelta(days=d)) for d in (20, 10)]
    for i, sid in enumerate(old):
        dispatch(app, acme, sid, now=T0 - timedelta(days=20 - 10 * i))
    alert_ids = [str(a["id"]) for a in alerts_of(owner)]
    add_judgment(app, acme.id, alert_ids[0], "noise", T0 - timedelta(days=19))
    fresh = add_signal(app, acme.id, as_of=T0.date())
    dispatch(app, acme, fresh, now=T0)
    assert alerts_of(owner)[-1]["status"] == "sent"  # one noise verdict is not enough

    add_judgment(app, acme.id, alert_ids[1], "noise", T0 - timedelta(days=9))
    newer = add_signal(app, acme.id, as_of=T0.date() + timedelta(days=1))
    dispatch(app, acme, newer, now=T0 + timedelta(days=1))
    last = alerts_of(owner)[-1]
    assert last["status"] == "suppressed" and last["suppressed_reason"].startswith("noise")

    # 31 days on, the first verdict has aged out.
    aged = add_signal(app, acme.id, as_of=T0.date() + timedelta(days=12))
    dispatch(app, acme, aged, now=T0 + timedelta(days=12))
    assert alerts_of(owner)[-1]["status"] == "sent"


def test_real_verdicts_do_not_suppress(app, acme, owner):
    sids = [add_signal(app, acme.id, as_of=T0.date() - timedelta(days=d)) for d in (3, 2)]
    for i, sid in enumerate(sids):
        dispatch(app, acme, sid, now=T0 - timedelta(days=3 - i))
    for alert in alerts_of(owner):
        add_judgment(app, acme.id, str(alert["id"]), "real", T0 - timedelta(days=1))
    fresh = add_signal(app, acme.id, as_of=T0.date())
    dispatch(app, acme, fresh, now=T0)
    assert alerts_of(owner)[-1]["status"] == "sent"


def test_redelivered_message_creates_no_duplicate_alerts_or_deliveries(app, acme, owner):
    with Receiver() as receiver:
        create_webhook_endpoint(app.uow, acme.id, receiver.url, "ops", app.secret_box, True)
        sid = add_signal(app, acme.id)
        first = dispatch(app, acme, sid, message_id="m-1")
        again = dispatch(app, acme, sid, message_id="m-1")
        other_id = dispatch(app, acme, sid, message_id="m-2")
    assert (first.alerts, first.deliveries) == (1, 1)
    assert again.duplicate and again.alerts == 0
    assert not other_id.duplicate and other_id.alerts == 0  # (signal, rule) is unique
    assert len(alerts_of(owner)) == 1
    assert len(rows(owner, "SELECT * FROM webhook_deliveries")) == 1
    assert len(receiver.requests) == 1
    ledger = rows(owner, "SELECT * FROM processed_messages WHERE consumer = 'alert_dispatch'")
    assert sorted(r["message_id"] for r in ledger) == ["m-1", "m-2"]


def test_alert_listing_reports_signal_and_delivery_status(app, acme):
    sid = add_signal(app, acme.id, dollars_at_risk=4321.5)
    dispatch(app, acme, sid)
    [alert] = list_alerts(app.uow, acme.id)
    assert alert["status"] == "sent" and alert["delivery_status"] == "none"
    assert (alert["product"], alert["payer"], alert["key"]) == ("driftwatch", "Aetna", "E&M")
    assert alert["dollars_at_risk"] == 4321.5 and alert["suppressed_reason"] is None


def test_rule_crud_validates_and_audits(app, acme, owner):
    [default] = list_rules(app.uow, acme.id)
    assert default["is_default"] and default["min_severity"] == 0.7
    assert {"type": "webhook"} in default["channels"]
    rule = create_rule(app.uow, acme.id, {"name": "big", "min_dollars": 10000}, actor="u1")
    assert rule["channels"] == [{"type": "email", "to": "owners"}]
    updated = update_rule(app.uow, acme.id, rule["id"], {"enabled": False, "payer": " Aetna "})
    assert updated["enabled"] is False and updated["payer"] == "Aetna"
    assert updated["min_dollars"] == 10000
    for bad in (
        {"name": ""},
        {"name": "x", "product": "nope"},
        {"name": "x", "min_severity": 2},
        {"name": "x", "channels": [{"type": "sms"}]},
        {"name": "x", "channels": [{"type": "email", "to": "not-an-address"}]},
        {"name": "x", "channels": [{"type": "webhook", "endpoint_id": str(acme.id)}]},
        {"name": "x", "surprise": 1},
    ):
        with pytest.raises(AlertConfigError):
            create_rule(app.uow, acme.id, bad)
    with pytest.raises(AlertConfigError):
        delete_rule(app.uow, acme.id, default["id"])
    delete_rule(app.uow, acme.id, rule["id"])
    with pytest.raises(NotFound):
        delete_rule(app.uow, acme.id, rule["id"])
    actions = [r["action"] for r in rows(owner, "SELECT action FROM audit_events ORDER BY id")]
    assert actions[-3:] == ["alert_rule.created", "alert_rule.updated", "alert_rule.deleted"]


def test_another_customers_rule_is_not_found(app, acme):
    other = create_customer(app.uow, "other", "Other")
    [rule] = list_rules(app.uow, other.id)
    with pytest.raises(NotFound):
        update_rule(app.uow, acme.id, rule["id"], {"enabled": False})


def test_an_open_episode_alerts_again_only_when_its_label_rises(app, acme, owner):
    from sqlalchemy import text

    sid = add_signal(app, acme.id, severity=0.8, severity_label="high")

    def relabel(label: str, severity: float) -> None:
        with owner.begin() as conn:
            conn.execute(
                text("UPDATE signals SET severity_label = :l, severity = :s WHERE id = :i"),
                {"l": label, "s": severity, "i": sid},
            )

    later = T0 + timedelta(hours=5)  # past the cooldown each time
    assert dispatch(app, acme, sid, message_id="m-1").alerts == 1
    relabel("critical", 1.0)
    assert dispatch(app, acme, sid, message_id="m-2", now=later).alerts == 1
    relabel("high", 0.8)  # fell back: the (episode, rule, high) alert exists already
    assert dispatch(app, acme, sid, message_id="m-3", now=later + timedelta(hours=5)).alerts == 0
    labels = [a["severity_label"] for a in alerts_of(owner)]
    assert labels == ["high", "critical"]
