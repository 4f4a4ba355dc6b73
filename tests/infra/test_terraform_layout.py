"""The Terraform tree parses, and every module has the four-file layout with typed variables."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.infra.tfparse import ENVIRONMENTS, MODULES, TERRAFORM, all_module_dirs, load_module

MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
MODULE_DIRS = sorted(p for p in MODULES.iterdir() if p.is_dir())
ALL_DIRS = all_module_dirs()


def test_the_tree_has_modules_and_both_environments():
    names = {p.name for p in MODULE_DIRS}
    assert {
        "storage",
        "messaging",
        "service",
        "database",
        "scheduler",
        "secrets",
        "monitoring",
        "topology",
        "stack",
    } <= names
    assert (ENVIRONMENTS / "dev" / "main.tf").is_file()
    assert (ENVIRONMENTS / "prod" / "main.tf").is_file()


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_module_has_the_four_files_and_a_readme(module_dir):
    missing = [f for f in MODULE_FILES if not (module_dir / f).is_file()]
    assert not missing, f"{module_dir.name} lacks {missing}"


@pytest.mark.parametrize("tf_dir", ALL_DIRS, ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_variable_is_typed_and_described(tf_dir):
    module = load_module(tf_dir)
    for name, body in module.variables.items():
        assert "type" in body, f"{tf_dir.name}: variable {name} has no type"
        assert str(body.get("description", "")).strip(), f"{tf_dir.name}: {name} undescribed"
    for name, body in module.outputs.items():
        assert str(body.get("description", "")).strip(), f"{tf_dir.name}: output {name} undescribed"


@pytest.mark.parametrize("tf_dir", ALL_DIRS, ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_provider_versions_are_pinned(tf_dir):
    module = load_module(tf_dir)
    assert module.terraform, f"{tf_dir} has no terraform block (versions.tf)"
    settings = module.terraform[0]
    assert settings.get("required_version", "").startswith(">=")
    if module.resources or module.data:
        google = settings["required_providers"][0]["google"]
        assert google["source"] == "hashicorp/google"
        assert "<" in google["version"], "the provider needs an upper bound"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_environments_are_thin_roots_over_the_stack(env):
    root = load_module(ENVIRONMENTS / env)
    assert not root.resources, f"{env} declares resources; put them in a module"
    assert list(root.modules) == ["upstream"]
    call = root.modules["upstream"]
    assert call["source"] == "../../modules/stack"
    assert call["environment"] == env
    for rollout_var in ("stable_release", "candidate_release", "candidate_percent"):
        assert call[rollout_var] == f"var.{rollout_var}"
    backend = root.terraform[0]["backend"][0]["gcs"]
    assert backend["prefix"] == f"upstream/{env}"


def test_terraform_fmt_check():
    binary = shutil.which("terraform") or shutil.which("tofu")
    if binary is None:
        pytest.skip(
            "no terraform/tofu binary on PATH: fmt -check skipped (scripts/ci_infra.sh says so too)"
        )
    result = subprocess.run(
        [binary, "fmt", "-check", "-recursive", "-diff", str(TERRAFORM)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"terraform fmt would change files:\n{result.stdout}"
