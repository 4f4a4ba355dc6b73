"""Strict 835 validation on demand (issue 14): pyx12 against the X12 implementation guide.

Never in the load path — the reader there is tolerant on purpose (SPEC 2.7) — but a billing
team chasing a payer's broken files wants the guide's verdict. pyx12 (BSD, pinned in the `x12`
extra) is imported only here. Its element messages quote the element's value, which can be a
patient's name or member id, so element findings are reported by position and error code,
never by pyx12's text; segment, loop and envelope messages name segments only.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from common.domain import phi

# The X12 999 IK4 element error codes pyx12 reports.
ELEMENT_ERRORS = {
    "1": "required element missing",
    "2": "conditional required element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
}


class ValidatorMissing(RuntimeError):
    """pyx12 is not installed (it is an optional extra)."""


def validate_835(path: Path) -> dict:
    """The guide's findings for one file: `valid`, and each error with its segment number."""
    try:
        import pyx12.params
        import pyx12.x12n_document
    except ImportError:
        raise ValidatorMissing(
            "strict validation needs pyx12: pip install 'upstream[x12]' (./dev installs it)"
        ) from None
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)  # its log lines quote values too
    found = io.StringIO()
    with open(path, encoding="latin-1", newline="") as source:
        valid = pyx12.x12n_document.x12n_document(
            pyx12.params.params(), source, io.StringIO(), None, None, found
        )
    errors: list[dict] = []
    _walk(json.loads(found.getvalue() or "{}"), None, errors)
    return {"file": path.name, "valid": bool(valid) and not errors, "errors": errors}


def _walk(node, segment, errors: list[dict]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, segment, errors)
        return
    if not isinstance(node, dict):
        return
    if "seg_id" in node:
        segment = {"segment": node.get("cur_line"), "segment_id": node.get("seg_id")}
    if "ele_pos" in node:
        position = f"{(segment or {}).get('segment_id', '')}{int(node['ele_pos']):02d}"
        for error in node.get("errors") or []:
            code = str(error.get("err_cde"))
            message = ELEMENT_ERRORS.get(code, "invalid data element")
            errors.append((segment or {}) | {"element": position, "code": code, "message": message})
        return
    for error in node.get("errors") or []:
        line = node.get("cur_line") if segment is None else segment["segment"]
        where = {"segment": line, "segment_id": (segment or {}).get("segment_id")}
        message = str(error.get("err_str") or "")
        if phi.scan(message, phi.TEXT):  # a value slipped into pyx12's text: say less
            message = "segment error (details withheld: they quote the file's values)"
        errors.append(where | {"code": str(error.get("err_cde")), "message": message})
    for key, value in node.items():
        if key != "errors" and isinstance(value, (dict, list)):
            _walk(value, segment, errors)
