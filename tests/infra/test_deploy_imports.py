"""A deploy install (requirements/deploy.txt, no `local` extra) imports every function.

The local-only packages are blocked in a fresh interpreter (`sys.modules[name] = None` makes
any import of them raise ImportError), the settings are the cloud's, and every
functions/*/main.py is loaded from its file as the functions framework loads it; so is the
composition root. An eager import of a local-only package anywhere on those paths fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys

from common import topology
from tests.infra.test_lockfile import LOCAL_ONLY
from tests.infra.tfparse import REPO

# Import names of the distributions in the `local` extra.
BLOCKED = sorted(name.replace("-", "_") for name in LOCAL_ONLY)
CLOUD_ENV = {
    "UPSTREAM_BACKEND": "cloud",
    "GOOGLE_CLOUD_PROJECT": "upstream-test",
    "CLOUDSQL_INSTANCE": "upstream-test:us-central1:upstream",
    "DB_USER": "upstream-app@upstream-test.iam",
    "INBOX_BUCKET": "upstream-test-inbox",
    "REPORTS_BUCKET": "upstream-test-reports",
}

PROBE = """
import importlib.util, json, sys
from pathlib import Path

for name in {blocked!r}:
    sys.modules[name] = None

import common.bootstrap

settings = common.bootstrap.container().settings
loaded = []
for path in sorted(Path("functions").glob("*/main.py")):
    spec = importlib.util.spec_from_file_location(f"deployed_{{path.parent.name}}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loaded.append(path.parent.name)
print(json.dumps({{
    "backend": settings.backend,
    "loaded": loaded,
    "tooling": sorted(m for m in sys.modules if m.startswith("common.devtools")),
    "embedded": sorted(m for m in sys.modules if m.startswith("common.db.embedded")),
}}))
"""


def test_every_function_imports_without_the_local_extra():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO), "PYTHONPATH": str(REPO), **CLOUD_ENV}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(blocked=BLOCKED)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    functions = sorted(p.parent.name for p in (REPO / "functions").glob("*/main.py"))
    assert found["backend"] == "cloud"
    assert found["loaded"] == functions and set(topology.FUNCTIONS) <= set(functions)
    assert found["tooling"] == [] and found["embedded"] == []


def test_the_probe_really_blocks_a_local_only_import():
    # Guards the test above: a blocked module must raise on import, or it proves nothing.
    probe = f"import sys\nsys.modules[{BLOCKED[0]!r}] = None\nimport {BLOCKED[0]}"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode != 0 and "halted; None in sys.modules" in result.stderr


def test_the_cli_without_the_local_extra_says_what_to_do(tmp_path):
    # No DATABASE_URL and no embedded server installed: one line and exit 1, not a traceback.
    probe = (
        "import sys\n"
        f"for name in {BLOCKED!r}:\n"
        "    sys.modules[name] = None\n"
        "from common.cli import main\n"
        "sys.exit(main(['customers', 'create', 'acme']))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "UPSTREAM_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "upstream[local]" in result.stderr and "DATABASE_URL" in result.stderr
