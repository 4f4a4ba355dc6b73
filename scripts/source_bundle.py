"""Build the release's source archive with the files the function images hold.

The exclusions are project.toml's `[io.buildpacks] exclude` (what `pack build` leaves out), read
here so the archive and the images never disagree. Usage: source_bundle.py OUT.tgz [ROOT]
"""

from __future__ import annotations

import fnmatch
import sys
import tarfile
import tomllib
from pathlib import Path


def excludes(root: Path) -> list[str]:
    """The directory patterns project.toml excludes (gitignore-style, `name/` = any level)."""
    with open(root / "project.toml", "rb") as source:
        return tomllib.load(source)["io"]["buildpacks"]["exclude"]


def excluded(relative: Path, patterns: list[str]) -> bool:
    """Whether a file lies under a directory a pattern names (`name/`, at any depth)."""
    directories = [p.rstrip("/") for p in patterns if p.endswith("/")]
    return any(fnmatch.fnmatch(part, d) for part in relative.parts[:-1] for d in directories)


def build(out: Path, root: Path) -> list[str]:
    """Write the archive; return the member names, sorted."""
    patterns = excludes(root)
    names = []
    with tarfile.open(out, "w:gz") as archive:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if path.is_dir() or excluded(relative, patterns) or path.resolve() == out.resolve():
                continue
            archive.add(path, arcname=str(relative), recursive=False)
            names.append(str(relative))
    return names


if __name__ == "__main__":
    target = Path(sys.argv[1])
    project = Path(sys.argv[2]) if len(sys.argv) > 2 else Path.cwd()
    members = build(target, project)
    print(f"{target}: {len(members)} files", file=sys.stderr)
