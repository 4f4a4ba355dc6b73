"""The release's source archive and the function images hold product code only (issue 13)."""

import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_source_bundle_holds_product_code_and_nothing_else(tmp_path):
    out = tmp_path / "source.tgz"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "source_bundle.py"), str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    with tarfile.open(out) as archive:
        names = archive.getnames()
    tops = {name.split("/", 1)[0] for name in names}
    assert {"common", "functions", "migrations", "pyproject.toml", "project.toml"} <= tops
    for left_out in ("tests", "docs", "terraform", ".git", ".venv", ".venv-checkov", ".upstream"):
        assert left_out not in tops, left_out
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "common/db/sql/ingest_merge_changed_lines.sql" in names  # package data ships
    assert "common/domain/data/us_payer_names.txt" in names


def test_cloud_build_archives_with_the_bundle_script():
    build = (REPO / "cloudbuild.yaml").read_text()
    assert "scripts/source_bundle.py" in build and "tar --exclude" not in build
