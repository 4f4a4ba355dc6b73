"""scripts/deploy_plan.py prints a complete first deploy, in a workable order."""

from __future__ import annotations

import subprocess
import sys

from tests.infra.tfparse import REPO

SCRIPT = REPO / "scripts" / "deploy_plan.py"


def test_plan_prints_the_first_deploy_in_order():
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--project",
            "proj-1",
            "--env",
            "prod",
            "--admin-email",
            "boss@example.com",
            "--customer",
            "acme",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    steps = [
        "gcloud services enable",
        "gcloud storage buckets create gs://proj-1-tfstate",
        "gcloud iam service-accounts create deployer",
        "terraform init -backend-config=bucket=proj-1-tfstate",
        "gcloud secrets versions add jwt-keys",
        "_BUILD_ONLY=true",
        "-var candidate_percent=0",
        "gcloud run jobs execute migrate",
        "--database-roles=upstream_app",
        "customers create acme",
        "--email boss@example.com --role owner",
        "scripts/smoke_test.py",
        "gcloud builds triggers create github",
    ]
    positions = [out.find(s) for s in steps]
    assert -1 not in positions, [s for s, p in zip(steps, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "terraform/environments/prod" in out


def test_plan_requires_a_project():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "--project" in result.stderr
