"""Terraform mirrors common/topology.py: same topics, subscriptions, functions, and limits."""

from __future__ import annotations

from common import topology
from tests.infra.tfparse import MODULES, REPO, Expr, load_module

TOPOLOGY = load_module(MODULES / "topology").locals
STACK = load_module(MODULES / "stack")


def test_every_topic_exists_and_no_other():
    assert sorted(TOPOLOGY["topics"]) == sorted(topology.TOPICS)


def test_every_subscription_is_mirrored_with_its_topic_and_consumer():
    expected = {s.name: {"topic": s.topic, "function": s.function} for s in topology.SUBSCRIPTIONS}
    assert TOPOLOGY["subscriptions"] == expected


def test_subscription_names_follow_the_code_convention():
    for name, sub in TOPOLOGY["subscriptions"].items():
        assert name == f"{sub['function'].replace('_', '-')}-{sub['topic']}"


def test_delivery_limit_matches():
    assert TOPOLOGY["max_delivery_attempts"] == topology.MAX_DELIVERY_ATTEMPTS


def test_every_function_in_the_code_has_a_terraform_entry():
    assert set(TOPOLOGY["functions"]) == set(topology.FUNCTIONS)


def test_every_function_folder_is_deployed():
    folders = {p.parent.name for p in (REPO / "functions").glob("*/main.py")}
    undeployed = sorted(folders - set(TOPOLOGY["functions"]))
    assert not undeployed, f"functions/ folders without a Terraform service: {undeployed}"
    assert folders <= set(topology.FUNCTIONS), (
        "a functions/ folder is missing from common/topology.py"
    )


def test_trigger_kinds_match_the_code():
    kinds = {name: f["trigger"] for name, f in TOPOLOGY["functions"].items()}
    for name in topology.STORAGE_TRIGGERED:
        assert kinds[name] == "storage"
    for name in topology.HTTP_FUNCTIONS:
        assert kinds[name] == "http"
    for sub in topology.SUBSCRIPTIONS:
        assert kinds[sub.function] == "pubsub"


def test_only_http_functions_are_public():
    public = {name for name, f in TOPOLOGY["functions"].items() if f["public"] is True}
    assert public == set(topology.HTTP_FUNCTIONS) == {"api", "portal"}


def test_published_topics_exist():
    for name, f in TOPOLOGY["functions"].items():
        assert set(f["publishes"]) <= set(topology.TOPICS), name


def test_the_stack_creates_one_service_per_topology_function():
    call = STACK.modules["service"]
    assert call["source"] == "../service"
    assert call["for_each"] == Expr("module.topology.functions")
    assert call["function"] == Expr("each.key")
    assert call["public"] == Expr("each.value.public")


def test_the_stack_feeds_messaging_from_the_topology():
    call = STACK.modules["messaging"]
    assert call["topics"] == Expr("module.topology.topics")
    assert call["subscriptions"] == Expr("module.topology.subscriptions")
    assert call["max_delivery_attempts"] == Expr("module.topology.max_delivery_attempts")
    assert call["storage_consumer"] in topology.STORAGE_TRIGGERED


def test_every_function_has_default_sizing():
    assert set(STACK.locals["default_sizing"]) == set(topology.FUNCTIONS)
    ingest = STACK.locals["default_sizing"]["ingest_claims"]
    assert ingest["concurrency"] == 1, "ingestion streams one large file per instance"
