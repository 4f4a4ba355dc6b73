#!/usr/bin/env python3
"""Offline check of terraform/**/*.tf against the Google provider's resource schema.

No terraform binary or provider registry is reachable here, so `terraform validate` cannot run.
The CDK-for-Terraform prebuilt provider package (`@cdktf/provider-google` on npm, the same
tarball inside `cdktf-cdktf-provider-google` on PyPI) carries, in its `.jsii` assembly, one
class per resource and data source and one struct per configuration block, generated from one
provider release (16.12.1 -> hashicorp/google 6.50.0). This script

  * fetches that package once into a cache directory (npm pack, else pip download; the version
    and the tarball's sha256 are pinned below),
  * derives a small index from the assembly: Terraform type -> arguments and nested blocks
    (snake_case names come from each property's registry anchor, `...#deletion_policy`, and
    only fall back to camelCase -> snake_case where the anchor is missing),
  * parses every .tf file with python-hcl2 (its Lark tree, for line numbers) and reports each
    argument or block a resource, data source or `provider "google"` block sets that the schema
    does not have, as FILE:LINE,
  * accepts only the arguments listed in NEWER_THAN_SCHEMA (introduced after the package's
    provider release; each with the release that introduced it and why we need it) and checks
    that every `versions.tf` requires at least that release.

Exit status: 0 clean, 1 findings, 2 usage or parse error, 3 schema unavailable (the package
could not be fetched or read: the caller reports SKIPPED with the printed reason).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import subprocess  # nosec B404 - runs only npm pack / pip download of the pinned package
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_VERSION = "16.12.1"
NPM_PACKAGE = "@cdktf/provider-google"
PYPI_PACKAGE = "cdktf-cdktf-provider-google"
# sha256 of provider-google-16.12.1.tgz: the npm tarball, also embedded byte for byte in the
# PyPI wheel as cdktf_cdktf_provider_google/_jsii/provider-google@16.12.1.jsii.tgz.
TARBALL_SHA256 = (
    "c13e11596542ffb7412d5f4caa9376525fbef88d18cdedac03c9b3c392a1fc80"  # pragma: allowlist secret
)
TARBALL_NAME = f"cdktf-provider-google-{PACKAGE_VERSION}.tgz"
INDEX_FORMAT = 1

# Arguments the package's provider release (6.50.0) does not know yet. Key: resource type and
# the path of blocks down to the argument. Value: the provider release that introduced it, and
# why we set it. The oldest provider that terraform/**/versions.tf allows must be >= each
# release here (checked below); remove an entry once the package's schema has the argument.
NEWER_THAN_SCHEMA: dict[str, tuple[str, str]] = {
    "google_sql_user.database_roles": (
        "7.18.0",
        "makes the migrator's IAM user a member of cloudsqlsuperuser, so Alembic can create "
        "in the public schema and create and grant the application role (migration 0002)",
    ),
}

# Terraform's own meta-arguments and blocks (not part of any provider schema).
RESOURCE_META_ARGS = {"count", "for_each", "provider", "depends_on"}
RESOURCE_META_BLOCKS = {"lifecycle", "provisioner", "connection"}
DATA_META_ARGS = {"count", "for_each", "provider", "depends_on"}
DATA_META_BLOCKS = {"lifecycle"}
DYNAMIC_ARGS = {"for_each", "iterator", "labels"}

TYPE_LINK = re.compile(
    r"\{@link https://registry\.terraform\.io/providers/hashicorp/google/([0-9][0-9.]*)"
    r"/docs/(resources|data-sources)/[\w-]+ (google_\w+)\}"
)
PROP_ANCHOR = re.compile(r"/docs(?:/[\w-]+/[\w-]+)?#([\w-]+) \w+#[\w-]+\}")


class SchemaUnavailable(Exception):
    """The package could not be fetched or read; the check cannot run."""


# --- the schema ------------------------------------------------------------------------------


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _struct_ref(jtype: dict, prefix: str) -> str | None:
    """The struct a property's type names (a block), unwrapping IResolvable unions and lists."""
    if "fqn" in jtype:
        return jtype["fqn"] if jtype["fqn"].startswith(prefix) else None
    if "collection" in jtype:
        return _struct_ref(jtype["collection"].get("elementtype", {}), prefix)
    if "union" in jtype:
        for member in jtype["union"]["types"]:
            ref = _struct_ref(member, prefix)
            if ref:
                return ref
    return None


def build_index(assembly: dict, package_json: dict) -> dict:
    """Terraform view of the assembly: types -> config struct; struct -> {argument: struct}."""
    types = assembly["types"]
    prefix = assembly["name"] + "."
    structs: dict[str, dict[str, str | None]] = {}
    fallbacks = 0

    def add_struct(fqn: str) -> None:
        nonlocal fallbacks
        if fqn in structs:
            return
        structs[fqn] = {}
        members: dict[str, str | None] = {}
        pending = [fqn]
        seen = set()
        # A config struct inherits cdktf.TerraformMetaArguments (count, dependsOn, ...): skipped,
        # Terraform's meta-arguments are handled by name. Provider structs have no parents.
        while pending:
            current = pending.pop()
            if current in seen or current not in types:
                continue
            seen.add(current)
            definition = types[current]
            pending.extend(i for i in definition.get("interfaces", []) if i.startswith(prefix))
            for prop in definition.get("properties", []):
                docs = prop.get("docs", {})
                text = f"{docs.get('summary', '')} {docs.get('remarks', '')}"
                match = PROP_ANCHOR.search(text)
                if match:
                    name = match.group(1)
                else:
                    name = snake(prop["name"])
                    fallbacks += 1
                members[name] = _struct_ref(prop["type"], prefix)
        structs[fqn] = members
        for ref in members.values():
            if ref:
                add_struct(ref)

    kinds: dict[str, dict[str, str]] = {"resource": {}, "data": {}}
    link_versions: set[str] = set()
    for definition in types.values():
        base = str(definition.get("base", ""))
        if definition.get("kind") != "class" or not base.endswith(
            (".TerraformResource", ".TerraformDataSource")
        ):
            continue
        match = TYPE_LINK.search(definition.get("docs", {}).get("summary", ""))
        params = definition.get("initializer", {}).get("parameters", [])
        config = next((p["type"].get("fqn") for p in params if p["name"] == "config"), None)
        if not match or not config:
            continue
        version, kind, tf_type = match.groups()
        link_versions.add(version)
        kinds["resource" if kind == "resources" else "data"][tf_type] = config
        add_struct(config)
    provider_config = prefix + "provider.GoogleProviderConfig"
    add_struct(provider_config)

    # cdktf's package.json says which provider release it was generated from (so do its
    # successor's, CDK Terrain's @cdktn packages, under the same key).
    declared = (package_json.get("cdktf") or package_json.get("cdktn") or {}).get("provider", {})
    return {
        "format": INDEX_FORMAT,
        "package": f"{package_json.get('name')}@{package_json.get('version')}",
        "provider": declared.get("name", ""),
        "provider_version": declared.get("version", ""),
        "link_versions": sorted(link_versions),
        "name_fallbacks": fallbacks,
        "resource": kinds["resource"],
        "data": kinds["data"],
        "provider_config": provider_config,
        "structs": structs,
    }


def _read_tarball(data: bytes) -> dict:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        assembly = json.load(tar.extractfile("package/.jsii"))
        package_json = json.load(tar.extractfile("package/package.json"))
    return build_index(assembly, package_json)


def _fetch_tarball(cache: Path) -> tuple[bytes, str]:
    """The pinned tarball from the npm registry, else from the PyPI wheel."""
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        npm = shutil.which("npm")
        if npm:
            proc = subprocess.run(  # nosec B603 - fixed argv: the pinned package, no shell
                [
                    npm,
                    "pack",
                    f"{NPM_PACKAGE}@{PACKAGE_VERSION}",
                    "--silent",
                    "--fetch-retries=1",
                    "--pack-destination",
                    tmp,
                ],
                capture_output=True,
                text=True,
                timeout=300,
            )
            target = Path(tmp) / TARBALL_NAME
            if proc.returncode == 0 and target.is_file():
                return target.read_bytes(), f"npm pack {NPM_PACKAGE}@{PACKAGE_VERSION}"
            detail = (proc.stderr or proc.stdout).strip()[-300:] or f"exit {proc.returncode}"
            errors.append(f"npm pack: {detail}")
        else:
            errors.append("npm: not on PATH")
        proc = subprocess.run(  # nosec B603 - fixed argv: the pinned package, no shell
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "--disable-pip-version-check",
                "--timeout",
                "60",
                "-d",
                tmp,
                f"{PYPI_PACKAGE}=={PACKAGE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if proc.returncode == 0 and wheels:
            with zipfile.ZipFile(wheels[0]) as wheel:
                name = next((n for n in wheel.namelist() if n.endswith(".jsii.tgz")), None)
                if name:
                    return wheel.read(name), f"pip download {PYPI_PACKAGE}=={PACKAGE_VERSION}"
            errors.append("pip download: the wheel has no .jsii.tgz")
        else:
            tail = [ln for ln in (proc.stderr or "").splitlines() if "is ignored" not in ln]
            errors.append(f"pip download: {' '.join(tail)[-300:] or 'failed'}")
    raise SchemaUnavailable("; ".join(errors))


def load_schema(cache: Path, fetch: bool = True) -> tuple[dict, str]:
    """The index (cached beside the tarball) and where it came from."""
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / TARBALL_NAME
    index_path = cache / f"{TARBALL_NAME}.index-v{INDEX_FORMAT}.json"
    if index_path.is_file() and tarball.is_file():
        try:
            index = json.loads(index_path.read_text())
            if index.get("tarball_sha256") == TARBALL_SHA256:
                return index, f"cached index {index_path}"
        except (OSError, ValueError):
            pass  # an unreadable or stale index is rebuilt from the tarball below
    origin = f"cached {tarball}"
    data = tarball.read_bytes() if tarball.is_file() else None
    if data is None or hashlib.sha256(data).hexdigest() != TARBALL_SHA256:
        if not fetch:
            raise SchemaUnavailable(f"{tarball} is not cached and fetching is off")
        data, origin = _fetch_tarball(cache)
        digest = hashlib.sha256(data).hexdigest()
        if digest != TARBALL_SHA256:
            raise SchemaUnavailable(
                f"{NPM_PACKAGE}@{PACKAGE_VERSION} has sha256 {digest}, expected {TARBALL_SHA256}"
            )
        partial = tarball.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, tarball)
    try:
        index = _read_tarball(data)
    except (tarfile.TarError, KeyError, ValueError) as exc:
        raise SchemaUnavailable(f"cannot read the .jsii assembly: {exc}") from exc
    index["tarball_sha256"] = TARBALL_SHA256
    partial = index_path.with_suffix(".part")
    partial.write_text(json.dumps(index))
    os.replace(partial, index_path)
    return index, origin


# --- the Terraform files ---------------------------------------------------------------------


@dataclass
class Node:
    """A block of a .tf file: its labels, arguments and nested blocks with their lines."""

    kind: str
    labels: list[str]
    line: int
    args: list[tuple[str, int]] = field(default_factory=list)
    blocks: list[Node] = field(default_factory=list)


def _token_text(tree) -> str:
    from lark import Token

    return "".join(str(t) for t in tree.scan_values(lambda v: isinstance(v, Token)))


def _body(tree) -> tuple[list[tuple[str, int]], list[Node]]:
    args, blocks = [], []
    for child in tree.children:
        if getattr(child, "data", None) == "attribute":
            key = child.children[0]
            args.append((_token_text(key), key.meta.line))
        elif getattr(child, "data", None) == "block":
            blocks.append(_block(child))
    return args, blocks


def _block(tree) -> Node:
    parts = [c for c in tree.children if hasattr(c, "data")]
    kind = _token_text(parts[0])
    labels = [_token_text(p).strip('"') for p in parts[1:] if p.data in ("string", "identifier")]
    body = next((p for p in parts if p.data == "body"), None)
    node = Node(kind, labels, tree.meta.line)
    if body is not None:
        node.args, node.blocks = _body(body)
    return node


def parse_tf(path: Path) -> list[Node]:
    import hcl2

    tree = hcl2.parses_to_tree(path.read_text())
    body = next((c for c in tree.children if getattr(c, "data", None) == "body"), None)
    return _body(body)[1] if body is not None else []


# --- the check -------------------------------------------------------------------------------


@dataclass
class Report:
    findings: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    used_allowances: set[str] = field(default_factory=set)
    checked: int = 0


def _version(text: str) -> tuple[int, int, int]:
    """'7.18' -> (7, 18, 0): Terraform reads a missing component as 0."""
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def _check_body(
    index: dict,
    struct: str,
    node: Node,
    path: str,
    where: str,
    report: Report,
    meta_args: set[str],
    meta_blocks: set[str],
) -> None:
    members = index["structs"].get(struct, {})
    schema_version = index["provider_version"]

    def unknown(name: str, line: int, what: str) -> None:
        key = f"{path}.{name}"
        allowance = NEWER_THAN_SCHEMA.get(key)
        if allowance and _version(allowance[0]) > _version(schema_version):
            report.used_allowances.add(key)
            report.allowed.append(
                f"{where}:{line}: {key} (since provider {allowance[0]}, newer than the "
                f"schema's {schema_version}): {allowance[1]}"
            )
            return
        hint = ""
        if allowance:
            hint = f" (allowed as 'since {allowance[0]}', but the {schema_version} schema lacks it)"
        report.findings.append(f"{where}:{line}: {path}: unknown {what} '{name}'{hint}")

    for name, line in node.args:
        if name in meta_args:
            continue
        if name not in members:
            unknown(name, line, "argument")
    for block in node.blocks:
        name, content = block.kind, block
        if name in meta_blocks:
            continue
        if name == "dynamic":
            name = block.labels[0] if block.labels else ""
            content = next((b for b in block.blocks if b.kind == "content"), Node("content", [], 0))
            for arg, line in block.args:
                if arg not in DYNAMIC_ARGS:
                    report.findings.append(f"{where}:{line}: {path}: dynamic '{name}' has '{arg}'")
        if name not in members:
            unknown(name, block.line, "block")
            continue
        child = members[name]
        if child is None:
            report.findings.append(
                f"{where}:{block.line}: {path}: '{name}' is an argument, not a block"
            )
            continue
        _check_body(index, child, content, f"{path}.{name}", where, report, set(), set())


def check_files(index: dict, files: list[Path], root: Path) -> Report:
    report = Report()
    for path in files:
        try:
            where = str(path.resolve().relative_to(root))
        except ValueError:
            where = str(path)
        for node in parse_tf(path):
            if node.kind in ("resource", "data") and len(node.labels) == 2:
                tf_type = node.labels[0]
                if not tf_type.startswith("google_"):
                    report.notes.append(f"{where}:{node.line}: {tf_type}: not a google type")
                    continue
                struct = index[node.kind].get(tf_type)
                if struct is None:
                    label = "resource type" if node.kind == "resource" else "data source"
                    report.findings.append(
                        f"{where}:{node.line}: unknown {label} '{tf_type}' "
                        f"(not in provider {index['provider_version']})"
                    )
                    continue
                report.checked += 1
                meta = (
                    (RESOURCE_META_ARGS, RESOURCE_META_BLOCKS)
                    if node.kind == "resource"
                    else (DATA_META_ARGS, DATA_META_BLOCKS)
                )
                prefix = tf_type if node.kind == "resource" else f"data.{tf_type}"
                _check_body(index, struct, node, prefix, where, report, *meta)
            elif node.kind == "provider" and node.labels == ["google"]:
                report.checked += 1
                _check_body(
                    index,
                    index["provider_config"],
                    node,
                    "provider.google",
                    where,
                    report,
                    set(),
                    set(),
                )
    return report


def provider_constraints(files: list[Path], root: Path) -> dict[str, str]:
    """required_providers.google.version of every file that declares it, by file."""
    import hcl2

    found = {}
    for path in files:
        with path.open() as handle:
            doc = hcl2.load(handle)
        for settings in doc.get("terraform", []):
            for providers in settings.get("required_providers", []):
                google = providers.get("google") or providers.get('"google"')
                if isinstance(google, dict) and "version" in google:
                    try:
                        where = str(path.resolve().relative_to(root))
                    except ValueError:
                        where = str(path)
                    found[where] = str(google["version"]).strip('"')
    return found


def lower_bound(constraint: str) -> str | None:
    match = re.search(r">=\s*([0-9][0-9.]*)", constraint)
    return match.group(1) if match else None


def check_constraints(constraints: dict[str, str], report: Report) -> str | None:
    """One constraint everywhere, whose lower bound covers every allowance in use."""
    if not constraints:
        report.notes.append("no required_providers.google version found: minimum not checked")
        return None
    distinct = sorted(set(constraints.values()))
    if len(distinct) > 1:
        for where, value in sorted(constraints.items()):
            report.findings.append(f"{where}: google provider constraint '{value}'")
        report.findings.append(f"the google provider constraints differ: {distinct}")
    minimums = [lower_bound(c) for c in constraints.values()]
    if None in minimums:
        report.findings.append("a google provider constraint has no '>=' lower bound")
        return None
    oldest = min(minimums, key=_version)
    for key in sorted(report.used_allowances):
        since = NEWER_THAN_SCHEMA[key][0]
        if _version(since) > _version(oldest):
            report.findings.append(
                f"{key} needs google provider >= {since}, but versions.tf allows >= {oldest}"
            )
    return oldest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["terraform"], help=".tf files or folders")
    parser.add_argument(
        "--cache",
        default=os.environ.get("UPSTREAM_TF_SCHEMA_CACHE")
        or str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "upstream"),
        help="where the package tarball and its index are kept (outside the work tree)",
    )
    parser.add_argument("--no-fetch", action="store_true", help="use the cache only")
    parser.add_argument(
        "--tarball",
        help="audit against another jsii package tarball (a cdktf/cdktn provider-google build, "
        "unpinned, not cached; CI uses the pinned package)",
    )
    parser.add_argument(
        "--strict-allowlist",
        action="store_true",
        help="fail on NEWER_THAN_SCHEMA entries that no file uses or that the schema now has",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    root = Path.cwd().resolve()
    files: list[Path] = []
    for raw in args.paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*.tf") if ".terraform" not in f.parts))
        elif p.is_file():
            files.append(p)
        else:
            print(f"tf_schema_check: no such file or folder: {raw}", file=sys.stderr)
            return 2
    try:
        import hcl2  # noqa: F401
    except ImportError:
        print("tf_schema_check: python-hcl2 is not installed (pip install -e '.[test]')")
        return 2
    try:
        if args.tarball:
            index, origin = _read_tarball(Path(args.tarball).read_bytes()), args.tarball
        else:
            index, origin = load_schema(Path(args.cache), fetch=not args.no_fetch)
    except (SchemaUnavailable, OSError, subprocess.SubprocessError) as exc:
        print(f"tf_schema_check: schema unavailable: {exc}")
        return 3

    try:
        report = check_files(index, files, root)
        oldest = check_constraints(provider_constraints(files, root), report)
    except Exception as exc:  # a parse error names the file in its message
        print(f"tf_schema_check: cannot parse: {type(exc).__name__}: {exc}")
        return 2

    if args.strict_allowlist:
        types = {"resource": index["resource"], "data": index["data"]}
        for key in sorted(set(NEWER_THAN_SCHEMA) - report.used_allowances):
            report.findings.append(f"allow-list entry {key} is not used by any file: remove it")
        for key in sorted(NEWER_THAN_SCHEMA):
            kind = "data" if key.startswith("data.") else "resource"
            head, *rest = key.removeprefix("data.").split(".")
            struct = types[kind].get(head)
            for part in rest[:-1]:
                struct = (index["structs"].get(struct) or {}).get(part) if struct else None
            if struct and rest and rest[-1] in index["structs"].get(struct, {}):
                report.findings.append(f"allow-list entry {key} is in the schema now: remove it")

    print(
        f"schema: {index['package']} generated from {index['provider']} "
        f"{index['provider_version']} ({origin}; {len(index['resource'])} resources, "
        f"{len(index['data'])} data sources)"
    )
    if index["link_versions"] != [index["provider_version"]]:
        print(f"note: the assembly's registry links name versions {index['link_versions']}")
    if oldest:
        print(f"versions.tf: oldest google provider allowed {oldest}")
        if _version(oldest) > _version(index["provider_version"]):
            print(
                f"note: the schema ({index['provider_version']}) is older than the oldest "
                f"provider allowed ({oldest}): arguments removed or renamed in between are not "
                f"caught here (docs/deploy.md says how to audit against a newer build)"
            )
    for line in report.notes:
        print(f"note: {line}")
    for line in report.allowed:
        print(f"allowed: {line}")
    for line in report.findings:
        print(f"ERROR: {line}")
    elapsed = time.monotonic() - started
    print(
        f"{len(files)} files, {report.checked} blocks checked, {len(report.findings)} problems, "
        f"{len(report.allowed)} allowed newer arguments ({elapsed:.1f}s)"
    )
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
