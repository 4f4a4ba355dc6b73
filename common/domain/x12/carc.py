"""CARC → denial family (SPEC 2.7), from the code list shipped as data/carc_families.csv."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

FAMILIES = (
    "eligibility", "authorization", "coding", "medical_necessity", "timely_filing", "duplicate",
    "bundling", "coordination_of_benefits", "contractual", "patient_responsibility", "other",
)  # fmt: skip
UNKNOWN_FAMILY = "other"


@cache
def _families() -> dict[str, str]:
    text = resources.files("common.domain.data").joinpath("carc_families.csv").read_text()
    rows = csv.reader(line for line in text.splitlines() if not line.startswith("#"))
    next(rows)  # header
    return {code.strip().upper(): family.strip() for code, family in rows}


def family(reason_code: str) -> str:
    """The family of a CARC (`50`, `B13`, or a `CO-50` group-reason code); unknown → other."""
    code = reason_code.strip().upper().rpartition("-")[2]
    return _families().get(code, UNKNOWN_FAMILY)


def family_of(reason: str) -> str | None:
    """The family of a denial reason that is a CARC (`CO-50`, `50`), None for anything else
    (free text, a payer's own code): a reason that names no CARC belongs to no family."""
    code = reason.strip().upper().rpartition("-")[2]
    return _families().get(code)


def code_list() -> dict[str, str]:
    """Every code with its family (a copy)."""
    return dict(_families())
