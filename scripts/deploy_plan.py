#!/usr/bin/env python3
"""Print the commands of a first deploy of Upstream to Google Cloud, step by step.

Nothing is executed: read the plan, then run it block by block (docs/deploy.md explains each
step). Later releases go through cloudbuild.yaml (the trigger created in the last step).

    python scripts/deploy_plan.py --project my-proj --env dev --oncall-email oncall@example.com \
        --admin-email you@example.com --customer acme --customer-name "Acme Health"
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

APIS = [
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "sqladmin.googleapis.com",
    "pubsub.googleapis.com",
    "eventarc.googleapis.com",
    "cloudscheduler.googleapis.com",
    "secretmanager.googleapis.com",
    "monitoring.googleapis.com",
    "logging.googleapis.com",
    "compute.googleapis.com",
    "servicenetworking.googleapis.com",
    "iam.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "storage.googleapis.com",
]

# What the deployer (Cloud Build) needs to apply the Terraform and run the rollout.
DEPLOYER_ROLES = [
    "roles/run.admin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountUser",
    "roles/resourcemanager.projectIamAdmin",
    "roles/pubsub.admin",
    "roles/cloudsql.admin",
    "roles/storage.admin",
    "roles/secretmanager.admin",
    "roles/eventarc.admin",
    "roles/cloudscheduler.admin",
    "roles/monitoring.editor",
    "roles/logging.configWriter",
    "roles/logging.viewer",
    "roles/logging.logWriter",
    "roles/compute.networkAdmin",
    "roles/compute.securityAdmin",
    "roles/servicenetworking.networksAdmin",
    "roles/artifactregistry.admin",
    "roles/serviceusage.serviceUsageConsumer",
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--project", required=True, help="Google Cloud project id")
    p.add_argument("--env", choices=["dev", "prod"], default="dev")
    p.add_argument("--region", default="us-central1")
    p.add_argument("--state-bucket", help="Terraform state bucket (default <project>-tfstate)")
    p.add_argument(
        "--release",
        default="r0000001",
        help="name of the first release (lower-case, starts with a letter)",
    )
    p.add_argument("--oncall-email", default="", help="address the alerts page")
    p.add_argument("--admin-email", default="admin@example.com", help="first admin user")
    p.add_argument("--customer", default="acme", help="slug of the first customer")
    p.add_argument("--customer-name", default="Acme Health", help="its display name")
    p.add_argument("--canary", default="canary", help="slug of the smoke-test customer")
    p.add_argument("--smoke-email", default="smoke@upstream.invalid")
    p.add_argument("--github-owner", default="OWNER", help="repository owner for the trigger")
    p.add_argument("--github-repo", default="upstream", help="repository name for the trigger")
    args = p.parse_args(argv)
    args.state_bucket = args.state_bucket or f"{args.project}-tfstate"
    return args


def plan(a: argparse.Namespace) -> list[tuple[str, list[str]]]:
    """(title, commands) in order."""
    q = shlex.quote
    tf_dir = f"terraform/environments/{a.env}"
    deployer = f"deployer@{a.project}.iam.gserviceaccount.com"
    tfvars = (
        f"-var project_id={q(a.project)} -var region={q(a.region)} "
        f"-var oncall_email={q(a.oncall_email)} -var deployer_service_account={deployer}"
    )
    first = f"-var stable_release={a.release} -var candidate_release={a.release}"
    job = f"gcloud run jobs execute admin --project={a.project} --region={a.region} --wait"
    # Shell commands for the admin job (`sh -c`); passwords come from its secret variables.
    cli = "python -m common.cli"
    customer = f"{cli} customers create {a.customer} --name {q(a.customer_name)}"
    admin = (
        f'printf %s "$ADMIN_PASSWORD" | {cli} users create --customer {a.customer} '
        f"--email {a.admin_email} --role owner"
    )
    canary = f"{cli} customers create {a.canary} --name Canary"
    smoke_user = (
        f'printf %s "$SMOKE_PASSWORD" | {cli} users create --customer {a.canary} '
        f"--email {a.smoke_email} --role viewer"
    )
    return [
        (
            "Point gcloud at the project and enable the APIs",
            [
                "gcloud auth login && gcloud auth application-default login",
                f"gcloud config set project {a.project}",
                "gcloud services enable \\\n    " + " \\\n    ".join(APIS),
                "# the Cloud Storage service agent must exist before the Eventarc trigger",
                f"gcloud storage service-agent --project={a.project}",
            ],
        ),
        (
            "Terraform state bucket (versioned, private)",
            [
                f"gcloud storage buckets create gs://{a.state_bucket} --location={a.region} "
                "--uniform-bucket-level-access --public-access-prevention",
                f"gcloud storage buckets update gs://{a.state_bucket} --versioning",
            ],
        ),
        (
            "Deployer service account for Cloud Build",
            [
                "gcloud iam service-accounts create deployer --display-name='Upstream deployer'",
                f"for role in {' '.join(DEPLOYER_ROLES)}; do\n"
                f"  gcloud projects add-iam-policy-binding {a.project} "
                f'--member=serviceAccount:{deployer} --role="$role" --condition=None\n'
                "done",
                f"gcloud storage buckets add-iam-policy-binding gs://{a.state_bucket} "
                f"--member=serviceAccount:{deployer} --role=roles/storage.objectAdmin",
            ],
        ),
        (
            "Terraform: buckets, image repository, secrets and network first",
            [
                f"cd {tf_dir}",
                f"terraform init -backend-config=bucket={a.state_bucket}",
                f"terraform apply {tfvars} {first} \\\n"
                "    -target=module.upstream.module.storage -target=module.upstream.module.secrets "
                "-target=module.upstream.module.network",
                "cd -",
            ],
        ),
        (
            "Secret values (never in Terraform state; rotate by adding versions)",
            [
                "python3 -c 'import secrets; print(\"k1:\" + secrets.token_urlsafe(48))' "
                "| tr -d '\\n' | gcloud secrets versions add jwt-keys --data-file=-",
                "python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32))"
                ".decode())' | tr -d '\\n' | gcloud secrets versions add secret-encryption-key "
                "--data-file=-",
                "python3 -c 'import secrets; print(secrets.token_urlsafe(24))' | tr -d '\\n' "
                "| gcloud secrets versions add admin-bootstrap-password --data-file=-",
                "python3 -c 'import secrets; print(secrets.token_urlsafe(24))' | tr -d '\\n' "
                "| gcloud secrets versions add smoke-user-password --data-file=-",
            ],
        ),
        (
            "Build the first release's images (checks + buildpacks, no deploy)",
            [
                f"gcloud builds submit --config=cloudbuild.yaml "
                f"--service-account=projects/{a.project}/serviceAccounts/{deployer} \\\n"
                f"    --substitutions=_ENV={a.env},_REGION={a.region},"
                f"_TF_STATE_BUCKET={a.state_bucket},_RELEASE={a.release},_BUILD_ONLY=true",
            ],
        ),
        (
            "Terraform: everything else (database, services, messaging, scheduler, alerts)",
            [
                f"cd {tf_dir}",
                f"terraform apply {tfvars} {first} -var candidate_percent=0",
                "cd -",
            ],
        ),
        (
            "Migrate, then let the service logins use the application role",
            [
                f"gcloud run jobs execute migrate --project={a.project} --region={a.region} --wait",
                f"for login in $(terraform -chdir={tf_dir} output -raw db_app_logins); do\n"
                f'  gcloud sql users assign-roles "$login" --instance=$(terraform -chdir={tf_dir} '
                "output -raw sql_instance_name) \\\n"
                "    --type=CLOUD_IAM_SERVICE_ACCOUNT --database-roles=upstream_app\n"
                "done",
                "# record the deployed schema revision (cloudbuild.yaml checks later ones)",
                f".venv/bin/alembic heads | awk '{{print $1}}' | gcloud storage cp - "
                f"gs://{a.state_bucket}/upstream/{a.env}/deployed/alembic_revision",
            ],
        ),
        (
            "First customer, first admin, and the canary customer with its smoke user",
            [
                f"{job} --args={q(customer)}",
                f"{job} --args={q(admin)}",
                f"{job} --args={q(canary)}",
                f"{job} --args={q(smoke_user)}",
                "# the admin's password: gcloud secrets versions access latest "
                "--secret=admin-bootstrap-password (change it after the first login)",
            ],
        ),
        (
            "Smoke test the live api",
            [
                "SMOKE_PASSWORD=$(gcloud secrets versions access latest "
                "--secret=smoke-user-password) "
                f"python3 scripts/smoke_test.py \\\n"
                f"    --base-url $(terraform -chdir={tf_dir} output -raw api_url) "
                f"--email {a.smoke_email} --customer {a.canary} \\\n"
                f"    --bucket $(terraform -chdir={tf_dir} output -raw inbox_bucket)",
            ],
        ),
        (
            "Deploy every push to main through cloudbuild.yaml (canary with rollback)",
            [
                f"gcloud builds triggers create github --name=upstream-{a.env} "
                f"--repo-owner={a.github_owner} --repo-name={a.github_repo} "
                f"--branch-pattern='^main$' --build-config=cloudbuild.yaml \\\n"
                f"    --service-account=projects/{a.project}/serviceAccounts/{deployer} \\\n"
                f"    --substitutions=_ENV={a.env},_REGION={a.region},"
                f"_TF_STATE_BUCKET={a.state_bucket},_ONCALL_EMAIL={a.oncall_email},"
                f"_DEPLOYER_SA={deployer},_CANARY_CUSTOMER={a.canary},_SMOKE_EMAIL={a.smoke_email}",
            ],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"# First deploy of Upstream ({args.env}) to project {args.project}, {args.region}.")
    print(f"# Run from the repository root ({REPO.name}); nothing here has been executed.")
    for number, (title, commands) in enumerate(plan(args), start=1):
        print(f"\n# {number}. {title}")
        for command in commands:
            print(command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
