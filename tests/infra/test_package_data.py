"""Every data file the product reads ships in the wheel: each non-Python file under common/
matches a [tool.setuptools.package-data] pattern of its package (a wheel install — not a
source checkout — would otherwise lack the SQL, the CARC families or the portal templates)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_data_file_under_common_is_package_data():
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    missing = []
    for path in sorted((REPO / "common").rglob("*")):
        if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(REPO)
        shipped = False
        for package, globs in patterns.items():
            base = Path(*package.split("."))
            if base in relative.parents:
                inner = relative.relative_to(base).as_posix()
                shipped = shipped or any(fnmatch(inner, glob) for glob in globs)
        if not shipped:
            missing.append(str(relative))
    assert missing == []
