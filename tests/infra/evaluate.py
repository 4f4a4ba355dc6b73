"""Evaluate the small arithmetic HCL expressions the traffic split uses, for given variables."""

from __future__ import annotations

import ast
import operator
import re

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def arithmetic(expr: str | int, variables: dict[str, int]) -> int:
    """`100 - var.candidate_percent` with {"var.candidate_percent": 10} -> 90.

    Any reference not in `variables` is an error: the test must say what it assumes.
    """
    if isinstance(expr, int):
        return expr

    def substitute(match: re.Match) -> str:
        name = match.group(0)
        if name not in variables:
            raise KeyError(f"unknown reference {name} in {expr!r}")
        return str(variables[name])

    text = re.sub(r"\b(?:var|local)\.[A-Za-z_][A-Za-z0-9_]*", substitute, str(expr))
    return _eval(ast.parse(text, mode="eval").body)


def _eval(node: ast.AST) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand)
    raise ValueError(f"not simple arithmetic: {ast.dump(node)}")


def render(template: str, values: dict[str, str]) -> str:
    """Fill `${each.key}`-style interpolations of a literal template."""
    out = template
    for name, value in values.items():
        out = out.replace("${" + name + "}", value)
    assert "${" not in out, f"unrendered interpolation in {out!r}"
    return out


def seconds(duration: str) -> float:
    """Google duration string ("10s", "600s") -> seconds."""
    assert duration.endswith("s"), duration
    return float(duration[:-1])
