"""Every consumer: push with OIDC, backoff retries, a dead-letter topic, a DLQ pull subscription
and the IAM dead-lettering needs; the inbox trigger reaches ingest_claims."""

from __future__ import annotations

from common import topology
from tests.infra.evaluate import render, seconds
from tests.infra.tfparse import MODULES, Expr, block, blocks, load_module

MESSAGING = load_module(MODULES / "messaging")
PUSH = MESSAGING.resource("google_pubsub_subscription", "push")
DLQ_SUB = MESSAGING.resource("google_pubsub_subscription", "dead_letter")
TOPIC = MESSAGING.resource("google_pubsub_topic", "topic")
DLQ_TOPIC = MESSAGING.resource("google_pubsub_topic", "dead_letter")


def test_one_topic_per_topology_topic_named_as_in_the_code():
    assert TOPIC["for_each"] == Expr("toset(var.topics)")
    assert TOPIC["name"] == Expr("each.key")


def test_one_push_subscription_per_topology_subscription():
    assert PUSH["for_each"] == Expr("var.subscriptions")
    assert PUSH["name"] == Expr("each.key")
    assert PUSH["topic"] == Expr("google_pubsub_topic.topic[each.value.topic].id")


def test_push_is_authenticated_with_an_oidc_token_for_the_consumer():
    push = block(PUSH, "push_config")
    assert push["push_endpoint"] == Expr("var.services[each.value.function].uri")
    oidc = block(push, "oidc_token")
    assert oidc["service_account_email"] == Expr("google_service_account.push.email")
    assert oidc["audience"] == push["push_endpoint"]


def test_push_identity_may_invoke_exactly_the_consumers():
    invoker = MESSAGING.resource("google_cloud_run_v2_service_iam_member", "push_invoker")
    assert invoker["role"] == "roles/run.invoker"
    assert invoker["for_each"] == Expr("local.consumers")
    assert "google_service_account.push.email" in invoker["member"]
    assert "s.function" in MESSAGING.locals["consumers"]


def test_every_subscription_retries_with_exponential_backoff():
    retry = block(PUSH, "retry_policy")
    variables = MESSAGING.variables
    minimum = variables[retry["minimum_backoff"].removeprefix("var.")]["default"]
    maximum = variables[retry["maximum_backoff"].removeprefix("var.")]["default"]
    assert 0 < seconds(minimum) < seconds(maximum) <= 600


def test_dead_letter_after_the_topology_limit():
    policy = block(PUSH, "dead_letter_policy")
    assert policy["dead_letter_topic"] == Expr("google_pubsub_topic.dead_letter[each.key].id")
    assert policy["max_delivery_attempts"] == Expr("var.max_delivery_attempts")
    default = MESSAGING.variables["max_delivery_attempts"]["default"]
    assert default == topology.MAX_DELIVERY_ATTEMPTS


def test_dead_letter_topic_and_pull_subscription_names_match_the_code():
    assert DLQ_TOPIC["for_each"] == Expr("var.subscriptions")
    assert DLQ_SUB["for_each"] == Expr("var.subscriptions")
    for sub in topology.SUBSCRIPTIONS:
        assert render(DLQ_TOPIC["name"], {"each.key": sub.name}) == sub.dead_letter_topic
        assert render(DLQ_SUB["name"], {"each.key": sub.name}) == sub.dead_letter_topic


def test_dlq_subscription_is_pull_and_reads_its_dead_letter_topic():
    assert "push_config" not in DLQ_SUB
    assert DLQ_SUB["topic"] == Expr("google_pubsub_topic.dead_letter[each.key].id")
    assert block(DLQ_SUB, "expiration_policy")["ttl"] == ""
    assert block(PUSH, "expiration_policy")["ttl"] == ""


def test_pubsub_service_agent_can_dead_letter():
    agent = MESSAGING.locals["pubsub_agent"]
    assert "@gcp-sa-pubsub.iam.gserviceaccount.com" in agent
    publisher = MESSAGING.resource("google_pubsub_topic_iam_member", "dead_letter_publisher")
    assert publisher["for_each"] == Expr("var.subscriptions")
    assert publisher["topic"] == Expr("google_pubsub_topic.dead_letter[each.key].name")
    assert publisher["role"] == "roles/pubsub.publisher"
    assert publisher["member"] == Expr("local.pubsub_agent")
    subscriber = MESSAGING.resource(
        "google_pubsub_subscription_iam_member", "dead_letter_subscriber"
    )
    assert subscriber["for_each"] == Expr("var.subscriptions")
    assert subscriber["subscription"] == Expr("google_pubsub_subscription.push[each.key].name")
    assert subscriber["role"] == "roles/pubsub.subscriber"
    assert subscriber["member"] == Expr("local.pubsub_agent")


def test_inbox_finalized_triggers_ingest_claims():
    trigger = MESSAGING.resource("google_eventarc_trigger", "inbox_finalized")
    criteria = {c["attribute"]: c["value"] for c in blocks(trigger, "matching_criteria")}
    assert criteria == {
        "type": "google.cloud.storage.object.v1.finalized",
        "bucket": Expr("var.inbox_bucket"),
    }
    run = block(block(trigger, "destination"), "cloud_run_service")
    assert run["service"] == Expr("var.services[var.storage_consumer].name")
    assert MESSAGING.variables["storage_consumer"]["default"] in topology.STORAGE_TRIGGERED
    assert trigger["service_account"] == Expr("google_service_account.eventarc.email")
    invoker = MESSAGING.resource("google_cloud_run_v2_service_iam_member", "eventarc_invoker")
    assert invoker["name"] == run["service"]
    assert invoker["role"] == "roles/run.invoker"


def test_consumer_timeouts_fit_the_ack_deadline():
    stack = load_module(MODULES / "stack")
    ack = MESSAGING.variables["ack_deadline_seconds"]["default"]
    for sub in topology.SUBSCRIPTIONS:
        assert stack.locals["default_sizing"][sub.function]["timeout_seconds"] <= ack
