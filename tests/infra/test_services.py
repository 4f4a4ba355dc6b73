"""Cloud Run services: traffic split sums to 100, only the api is public, settings are wired."""

from __future__ import annotations

import re

import pytest

from common import topology
from tests.infra.evaluate import arithmetic
from tests.infra.tfparse import (
    MODULES,
    REPO,
    Expr,
    all_module_dirs,
    block,
    blocks,
    load_module,
)

SERVICE = load_module(MODULES / "service")
RUN = SERVICE.resource("google_cloud_run_v2_service", "this")
STACK = load_module(MODULES / "stack")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")


@pytest.mark.parametrize("percent", [0, 1, 10, 50, 99, 100])
def test_traffic_blocks_sum_to_100_at_every_step(percent):
    traffic = blocks(RUN, "traffic")
    assert len(traffic) == 2
    shares = [arithmetic(t["percent"], {"var.candidate_percent": percent}) for t in traffic]
    assert sum(shares) == 100
    assert all(0 <= s <= 100 for s in shares)


def test_traffic_goes_to_named_stable_and_candidate_revisions():
    by_tag = {t["tag"]: t for t in blocks(RUN, "traffic")}
    assert set(by_tag) == {"stable", "candidate"}
    assert by_tag["stable"]["revision"] == Expr("local.stable_revision")
    assert by_tag["candidate"]["revision"] == Expr("local.candidate_revision")
    for t in by_tag.values():
        assert t["type"] == "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
    assert block(RUN, "template")["revision"] == Expr("local.candidate_revision")
    assert "var.stable_release" in SERVICE.locals["stable_revision"]
    assert "var.candidate_release" in SERVICE.locals["candidate_revision"]


def test_candidate_percent_is_validated():
    validation = block(SERVICE.variables["candidate_percent"], "validation")
    assert ">= 0" in validation["condition"] and "<= 100" in validation["condition"]


def test_image_is_the_function_image_of_the_candidate_release():
    assert SERVICE.locals["image"] == (
        "${var.image_repository}/${local.service_name}:${var.candidate_release}"
    )
    assert SERVICE.locals["service_name"] == Expr('replace(var.function, "_", "-")')


def _members(body):
    for key in ("member", "members"):
        value = body.get(key)
        if isinstance(value, list):
            yield from value
        elif value is not None:
            yield value


def test_public_invocation_only_through_the_guarded_api_grant():
    found = []
    for tf_dir in all_module_dirs():
        module = load_module(tf_dir)
        for (rtype, name), body in module.resources.items():
            if any(m in str(member) for member in _members(body) for m in PUBLIC_MEMBERS):
                found.append((tf_dir.name, rtype, name, body))
    assert [(d, t, n) for d, t, n, _ in found] == [
        ("service", "google_cloud_run_v2_service_iam_member", "public")
    ]
    grant = found[0][3]
    assert grant["count"] == Expr("var.public ? 1 : 0")
    assert grant["role"] == "roles/run.invoker"
    assert SERVICE.variables["public"]["default"] is False


def test_ingress_is_internal_unless_public():
    assert RUN["ingress"] == Expr(
        'var.public ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY"'
    )


def test_each_service_runs_as_its_own_service_account():
    assert block(RUN, "template")["service_account"] == Expr("google_service_account.this.email")
    assert (
        "run-${local.service_name}"
        in SERVICE.resource("google_service_account", "this")["account_id"]
    )


def _settings_env_names() -> set[str]:
    source = (REPO / "common" / "config.py").read_text()
    return set(re.findall(r'get\("([A-Z_]+)"', source))


def test_services_get_the_cloud_settings_the_code_reads():
    env = STACK.locals["settings_env"]
    assert env["UPSTREAM_BACKEND"] == "cloud"
    required = {
        "UPSTREAM_BACKEND",
        "CLOUDSQL_INSTANCE",
        "DB_NAME",
        "DB_APP_ROLE",
        "GOOGLE_CLOUD_PROJECT",
        "INBOX_BUCKET",
        "REPORTS_BUCKET",
        "LOG_LEVEL",
    }
    assert required <= set(env)
    known = _settings_env_names()
    assert required <= known, f"not read by common/config.py: {sorted(required - known)}"
    container = block(block(RUN, "template"), "containers")
    env_blocks = blocks(container, "dynamic")
    assert any("DB_USER = local.db_user" in str(b["env"]["for_each"]) for b in env_blocks)
    assert "DB_USER" in known


def test_secrets_reach_only_the_functions_that_need_them():
    secret_env = STACK.locals["secret_env"]
    assert set(secret_env) <= set(topology.FUNCTIONS)
    assert set(secret_env["api"]) == {"JWT_KEYS", "SECRET_ENCRYPTION_KEY"}
    assert set(secret_env["alert_dispatch"]) == {"SECRET_ENCRYPTION_KEY"}
    assert {"JWT_KEYS", "SECRET_ENCRYPTION_KEY"} <= _settings_env_names()


def test_bucket_grants_are_per_function_and_never_admin():
    for function, grants in STACK.locals["bucket_roles"].items():
        assert function in topology.FUNCTIONS
        for grant in grants:
            assert grant["role"] in (
                "roles/storage.objectUser",
                "roles/storage.objectViewer",
                "roles/storage.objectCreator",  # the portal's signed upload forms: create only
            )
