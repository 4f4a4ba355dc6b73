"""scripts/tf_schema_check.py: Terraform arguments and blocks against the provider schema.

The schema comes from the pinned `@cdktf/provider-google` package (fetched once into the cache
that scripts/ci_infra.sh also uses). Tests that need it skip, saying why, when it can be neither
found in the cache nor fetched from a package registry.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.infra.tfparse import REPO, TERRAFORM

SCRIPT = REPO / "scripts" / "tf_schema_check.py"

_spec = importlib.util.spec_from_file_location("tf_schema_check", SCRIPT)
checker = importlib.util.module_from_spec(_spec)
sys.modules["tf_schema_check"] = checker
_spec.loader.exec_module(checker)

FIXTURE = """\
resource "google_sql_user" "bad" {
  instance        = "main"
  name            = "someone"
  bogus_attribute = "not in any provider"
}

resource "google_sql_user" "roles" {
  instance       = "main"
  name           = "migrator"
  database_roles = ["cloudsqlsuperuser"]
}

resource "google_storage_bucket" "b" {
  count    = 1
  name     = "b"
  location = "EU"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age             = 3
      not_a_condition = true
    }
  }

  no_such_block {
    x = 1
  }

  dynamic "cors" {
    for_each = ["https://example.org"]
    content {
      origin           = [cors.value]
      bogus_in_dynamic = 1
    }
  }

  storage_class {
  }

  lifecycle {
    prevent_destroy = true
  }

  depends_on = [google_sql_user.bad]
}

resource "google_not_a_real_type" "z" {
  a = 1
}

resource "random_id" "r" {
  byte_length = 4
}

data "google_project" "p" {
  project_id = "x"
  bogus_data = 1
}

provider "google" {
  project      = "p"
  region       = "europe-west1"
  bogus_region = "x"
}
"""

VERSIONS = """\
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "%s"
    }
  }
}
"""


def run_checker(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode == 3:
        pytest.skip(f"provider schema package unavailable: {proc.stdout.strip()}")
    return proc


def errors_of(output: str) -> list[str]:
    return [
        line.removeprefix("ERROR: ") for line in output.splitlines() if line.startswith("ERROR")
    ]


def test_the_fixture_reports_each_unknown_argument_and_block_with_its_line(tmp_path):
    (tmp_path / "main.tf").write_text(FIXTURE)
    proc = run_checker("main.tf", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = errors_of(proc.stdout)
    assert sorted(errors) == sorted(
        [
            "main.tf:4: google_sql_user: unknown argument 'bogus_attribute'",
            "main.tf:28: google_storage_bucket.lifecycle_rule.condition: unknown argument "
            "'not_a_condition'",
            "main.tf:32: google_storage_bucket: unknown block 'no_such_block'",
            "main.tf:40: google_storage_bucket.cors: unknown argument 'bogus_in_dynamic'",
            "main.tf:44: google_storage_bucket: 'storage_class' is an argument, not a block",
            "main.tf:54: unknown resource type 'google_not_a_real_type' (not in provider 6.50.0)",
            "main.tf:64: data.google_project: unknown argument 'bogus_data'",
            "main.tf:70: provider.google: unknown argument 'bogus_region'",
        ]
    ), proc.stdout
    # Newer than the schema, but allow-listed with the release that introduced it.
    assert "allowed: main.tf:10: google_sql_user.database_roles (since provider 7.18.0" in (
        proc.stdout
    )
    assert "schema: @cdktf/provider-google@16.12.1 generated from" in proc.stdout
    assert "hashicorp/google 6.50.0" in proc.stdout


def test_an_allowed_newer_argument_needs_a_constraint_that_requires_its_release(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "google_sql_user" "m" {\n  instance = "i"\n  name = "n"\n'
        '  database_roles = ["cloudsqlsuperuser"]\n}\n'
    )
    (tmp_path / "versions.tf").write_text(VERSIONS % ">= 6.40, < 8.0")
    proc = run_checker(".", cwd=tmp_path)
    assert proc.returncode == 1
    assert errors_of(proc.stdout) == [
        "google_sql_user.database_roles needs google provider >= 7.18.0, "
        "but versions.tf allows >= 6.40"
    ]
    (tmp_path / "versions.tf").write_text(VERSIONS % ">= 7.18, < 8.0")
    proc = run_checker(".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


def test_the_terraform_tree_matches_the_schema():
    proc = run_checker("--strict-allowlist", "terraform")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 problems" in proc.stdout


# --- offline: no package needed -----------------------------------------------------------------


def test_every_versions_tf_allows_the_same_google_releases_covering_the_allow_list():
    files = sorted(TERRAFORM.rglob("versions.tf"))
    constraints = checker.provider_constraints(files, REPO)
    assert len(constraints) >= 11, constraints
    assert len(set(constraints.values())) == 1, constraints
    oldest = checker.lower_bound(next(iter(constraints.values())))
    for key, (since, reason) in checker.NEWER_THAN_SCHEMA.items():
        assert reason.strip(), key
        assert checker._version(oldest) >= checker._version(since), (key, since, oldest)


def test_the_parser_keeps_lines_labels_and_dynamic_blocks(tmp_path):
    path = tmp_path / "x.tf"
    path.write_text(
        textwrap.dedent(
            """\
            # comment
            resource "google_x" "y" {
              for_each = toset([])
              a        = { k = "v" }

              b {
                c = 1
              }
              dynamic "d" {
                for_each = []
                content {
                  e = 2
                }
              }
            }
            """
        )
    )
    (node,) = checker.parse_tf(path)
    assert (node.kind, node.labels, node.line) == ("resource", ["google_x", "y"], 2)
    assert node.args == [("for_each", 3), ("a", 4)]
    b, d = node.blocks
    assert (b.kind, b.line, b.args) == ("b", 6, [("c", 7)])
    assert (d.kind, d.labels, d.line) == ("dynamic", ["d"], 9)
    assert d.blocks[0].args == [("e", 12)]
