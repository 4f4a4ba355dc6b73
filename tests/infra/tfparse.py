"""Parse the Terraform tree with python-hcl2 into plain, comparable Python values.

python-hcl2 keeps HCL's quotes: a literal string arrives as '"x"' and an expression as
'${expr}'. `normalize` turns the first into 'x' and the second into `Expr('expr')`, drops the
parser's bookkeeping keys and leaves blocks as lists of dicts. No terraform binary is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
MODULES = TERRAFORM / "modules"
ENVIRONMENTS = TERRAFORM / "environments"


class Expr(str):
    """An HCL expression (not a literal), without its `${ }`."""

    def refs(self, prefix: str) -> bool:
        return prefix in self


def _unquote(text: str) -> Any:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    if text.startswith("${") and text.endswith("}"):
        return Expr(text[2:-1])
    return text


def normalize(value: Any) -> Any:
    """python-hcl2 output -> literals as Python values, expressions as Expr."""
    if isinstance(value, dict):
        return {
            _unquote(k) if isinstance(k, str) else k: normalize(v)
            for k, v in value.items()
            if k not in ("__is_block__", "__comments__", "__inline_comments__")
        }
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str):
        return _unquote(value)
    return value


@dataclass
class Module:
    """Everything declared in one Terraform directory."""

    path: Path
    resources: dict[tuple[str, str], dict] = field(default_factory=dict)
    data: dict[tuple[str, str], dict] = field(default_factory=dict)
    modules: dict[str, dict] = field(default_factory=dict)
    variables: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    terraform: list[dict] = field(default_factory=list)

    def of_type(self, rtype: str) -> dict[str, dict]:
        """Resources of one type, by name."""
        return {name: body for (t, name), body in self.resources.items() if t == rtype}

    def resource(self, rtype: str, name: str) -> dict:
        return self.resources[(rtype, name)]


def parse_file(path: Path) -> dict:
    with path.open() as handle:
        return normalize(hcl2.load(handle))


def load_module(path: Path) -> Module:
    """Merge every *.tf file of a directory."""
    module = Module(path)
    for tf in sorted(path.glob("*.tf")):
        doc = parse_file(tf)
        for entry in doc.get("resource", []):
            for rtype, named in entry.items():
                for name, body in named.items():
                    module.resources[(rtype, name)] = body
        for entry in doc.get("data", []):
            for rtype, named in entry.items():
                for name, body in named.items():
                    module.data[(rtype, name)] = body
        for entry in doc.get("module", []):
            module.modules.update(entry)
        for entry in doc.get("variable", []):
            module.variables.update(entry)
        for entry in doc.get("output", []):
            module.outputs.update(entry)
        for entry in doc.get("locals", []):
            module.locals.update(entry)
        module.terraform.extend(doc.get("terraform", []))
    return module


def all_module_dirs() -> list[Path]:
    """Every directory under terraform/ that holds .tf files."""
    return sorted({tf.parent for tf in TERRAFORM.rglob("*.tf") if ".terraform" not in tf.parts})


def block(body: dict, name: str) -> dict:
    """The single nested block `name` of a resource body (AssertionError if absent or repeated)."""
    blocks = body.get(name)
    assert isinstance(blocks, list) and len(blocks) == 1, (
        f"expected one {name} block, got {blocks!r}"
    )
    return blocks[0]


def blocks(body: dict, name: str) -> list[dict]:
    """Every nested block `name` (possibly none)."""
    found = body.get(name, [])
    return found if isinstance(found, list) else [found]
