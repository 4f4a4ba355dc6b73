"""cloudbuild.yaml: checks and backup before any change, no-traffic deploy, smoke before the
canary, 10 -> 50 -> 100 by Terraform variables, and a rollback after any failed rollout step."""

from __future__ import annotations

import re

import pytest
import yaml

from common import topology
from tests.infra.tfparse import REPO

BUILD = yaml.safe_load((REPO / "cloudbuild.yaml").read_text())
STEPS = BUILD["steps"]
BY_ID = {s["id"]: s for s in STEPS}
ORDER = [s["id"] for s in STEPS]
ROLLOUT = [
    "deploy-no-traffic",
    "smoke-candidate",
    "canary-10",
    "watch-10",
    "canary-50",
    "watch-50",
    "promote-100",
    "watch-100",
    "finalize",
]
BUILT_IN = {
    "PROJECT_ID",
    "PROJECT_NUMBER",
    "BUILD_ID",
    "LOCATION",
    "SHORT_SHA",
    "COMMIT_SHA",
    "REPO_NAME",
    "REPO_FULL_NAME",
    "BRANCH_NAME",
    "TAG_NAME",
    "REVISION_ID",
    "TRIGGER_NAME",
    "TRIGGER_BUILD_CONFIG_PATH",
    "SERVICE_ACCOUNT_EMAIL",
    "SERVICE_ACCOUNT",
    "REF_NAME",
}


def script(step_id: str) -> str:
    step = BY_ID[step_id]
    return "\n".join(str(a) for a in step.get("args", []))


def ancestors(step_id: str) -> set[str]:
    """Steps that must finish before `step_id` starts (Cloud Build's waitFor semantics)."""
    seen: set[str] = set()
    todo = [step_id]
    while todo:
        current = todo.pop()
        wait = BY_ID[current].get("waitFor")
        if wait is None:  # default: every step declared before it
            parents = ORDER[: ORDER.index(current)]
        elif wait == ["-"]:
            parents = []
        else:
            parents = wait
        for parent in parents:
            assert parent in BY_ID, f"{current} waits for unknown step {parent}"
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def applied_percent(step_id: str) -> int:
    found = re.findall(r"candidate_percent=(\d+)", script(step_id))
    assert len(found) == 1, f"{step_id} must apply exactly one candidate_percent"
    return int(found[0])


def test_step_ids_are_unique_and_every_wait_exists():
    assert len(ORDER) == len(set(ORDER))
    for step_id in ORDER:
        ancestors(step_id)


def test_checks_run_before_anything_is_pushed_or_deployed():
    before_push = ancestors("push-images")
    assert {"lint-and-test", "supply-chain", "migration-check"} <= before_push
    assert "migration-safety" in script("migration-check")
    assert BY_ID["supply-chain"]["args"][1:] == ["bandit", "pip-audit", "secrets", "tf-schema"]
    assert "UPSTREAM_REQUIRE_AUDIT=1" in BY_ID["supply-chain"]["env"]
    assert any(e.startswith("UPSTREAM_REQUIRE_TF_SCHEMA=1") for e in BY_ID["supply-chain"]["env"])
    assert "pytest" in script("lint-and-test") and "ruff check" in script("lint-and-test")


def test_deploy_installs_the_hashed_lock():
    assert "--require-hashes" in script("lint-and-test")
    assert "requirements/deploy.txt" in script("lint-and-test")
    assert "cp requirements/deploy.txt requirements.txt" in script("prepare")
    assert "prepare" in ancestors("build-api")


@pytest.mark.parametrize("function", topology.FUNCTIONS)
def test_every_function_is_built_from_its_folder_with_the_functions_framework(function):
    step = BY_ID[f"build-{function}"]
    args = step["args"]
    assert f"GOOGLE_FUNCTION_SOURCE=functions/{function}/main.py" in args
    assert f"GOOGLE_FUNCTION_TARGET={function}" in args
    service = function.replace("_", "-")
    assert f"${{_IMAGE_REPO}}/{service}:${{_RELEASE}}" in args
    assert f"build-{function}" in ancestors("push-images")
    assert service in script("push-images")


def test_backup_precedes_migrations_and_every_deploy():
    assert "gcloud sql backups create" in script("backup-database")
    assert "backup-database" in ancestors("migrate")
    for step_id in ROLLOUT + ["rollback"]:
        assert "backup-database" in ancestors(step_id), step_id


def test_migrations_run_as_a_job_before_new_revisions_exist():
    migrate = script("migrate")
    assert "gcloud run jobs execute" in migrate and "--wait" in migrate
    assert "assign-roles" in migrate
    assert "migrate" in ancestors("deploy-no-traffic")


def test_deploy_creates_candidate_revisions_with_no_traffic():
    deploy = script("deploy-no-traffic")
    assert "terraform apply" in deploy
    assert applied_percent("deploy-no-traffic") == 0
    assert "candidate_release=${_RELEASE}" in deploy
    assert "stable_release=$$(cat /workspace/.deploy/stable_release)" in deploy


def test_smoke_test_hits_the_candidate_url_before_any_traffic_moves():
    smoke = script("smoke-candidate")
    assert "scripts/smoke_test.py" in smoke
    assert "candidate_url" in smoke
    assert "SMOKE_PASSWORD" in BY_ID["smoke-candidate"]["secretEnv"]
    assert "smoke-candidate" in ancestors("canary-10")
    assert "ok-smoke-candidate" in script("canary-10")


def test_traffic_moves_10_then_50_then_100_with_a_watch_between():
    assert [applied_percent(s) for s in ("canary-10", "canary-50", "promote-100")] == [10, 50, 100]
    assert "canary-10" in ancestors("watch-10")
    assert "watch-10" in ancestors("canary-50")
    assert "watch-50" in ancestors("promote-100")
    assert "watch-100" in ancestors("finalize")
    for watch in ("watch-10", "watch-50", "watch-100"):
        assert "httpRequest.status>=500" in script(watch)
        assert "_MAX_ERROR_RATE" in script(watch)


def test_finalize_makes_the_candidate_stable():
    final = script("finalize")
    assert "stable_release=${_RELEASE}" in final
    assert applied_percent("finalize") == 0


def test_every_rollout_step_may_fail_and_is_gated():
    for step_id in ROLLOUT:
        step = BY_ID[step_id]
        assert step.get("allowFailure") is True, step_id
        assert ". /workspace/.deploy/gate.sh" in script(step_id), step_id
        assert f"STEP={step_id}" in step["env"], step_id
        assert "touch /workspace/.deploy/ok-$$STEP" in script(step_id), step_id
    for previous, step_id in zip(ROLLOUT[1:], ROLLOUT[2:], strict=False):
        assert f"ok-{previous}" in script(step_id), f"{step_id} must require {previous}"


def test_rollback_runs_last_on_any_failure_and_fails_the_build():
    assert ORDER[-1] == "rollback"
    step = BY_ID["rollback"]
    assert not step.get("allowFailure"), "the rollback must fail the build"
    assert set(ROLLOUT) <= ancestors("rollback")
    body = script("rollback")
    assert "ok-finalize" in body
    assert applied_percent("rollback") == 0
    assert "stable_release=$$(cat /workspace/.deploy/stable_release)" in body
    assert body.rstrip().endswith("exit 1")
    gate = script("prepare")
    assert "trap" in gate and "/workspace/.deploy/failed" in gate


def test_every_substitution_is_defined():
    defined = set(BUILD["substitutions"]) | BUILT_IN
    text = (REPO / "cloudbuild.yaml").read_text()
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    text = text.replace("$$", "")
    used = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))
    assert used <= defined, (
        f"undefined (escape shell variables as $$NAME): {sorted(used - defined)}"
    )
