"""`upstream x12 validate FILE`: the X12 implementation guide's verdict on an 835 (pyx12)."""

from __future__ import annotations

from pathlib import Path

from common.commands.output import BadInput, emit
from common.commands.runtime import table


def register(sub) -> None:
    """Add the x12 group."""
    group = sub.add_parser(
        "x12", help="X12 835 tools: strict validation against the guide"
    ).add_subparsers(dest="x12", required=True)
    p = group.add_parser("validate", help="strict validation against the 835 guide (pyx12)")
    p.add_argument("path", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_validate)


def run_validate(args) -> int:
    """Exit 0 when the file follows the guide, 1 with its findings when it does not."""
    from common.services.x12_validation import ValidatorMissing, validate_835

    if not args.path.is_file():
        raise BadInput(f"no such file: {args.path}")
    try:
        result = validate_835(args.path)
    except ValidatorMissing as exc:
        raise BadInput(str(exc)) from None
    verdict = "follows the 835 guide" if result["valid"] else "does not follow the 835 guide"
    lines = [f"{result['file']}: {verdict} ({len(result['errors'])} findings)"]
    if result["errors"]:
        columns = ["segment", "segment_id", "element", "code", "message"]
        found = [{c: e.get(c) or "" for c in columns} for e in result["errors"]]
        lines += ["", table(found, columns)]
    emit(args, result, "\n".join(lines))
    return 0 if result["valid"] else 1
