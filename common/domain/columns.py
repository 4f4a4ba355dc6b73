"""Claim-file header mapping (SPEC 2.2): aliases → canonical fields, PHI-named columns dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass

REQUIRED = ("payer", "cpt", "submitted_date", "decided_date", "outcome")
# A required field another column can stand in for (SPEC 2.2 †: lags then run from it).
STAND_INS = {"submitted_date": "service_date"}
FREE_TEXT_FIELDS = frozenset({"denial_reason_text"})

# Canonical field → aliases as practice-management exports spell them. The SPEC names the first
# ones; the rest are common real-world variants. Matching is on `normalise_header`.
ALIASES: dict[str, tuple[str, ...]] = {
    "claim_id": (
        "claim id", "claim number", "claim #", "icn", "encounter id", "claim no", "claim ref",
        "claim reference", "payer claim number", "payer claim id", "claim control number",
        "tcn", "dcn", "encounter number",
    ),
    "line_number": (
        "line", "line #", "line no", "line number", "line num", "service line", "svc line",
        "ln", "line item", "service line number", "line seq", "line sequence",
    ),
    "payer": (
        "payer name", "insurance", "insurance name", "carrier", "plan", "primary payer", "payor",
        "payor name", "insurer", "insurance company", "insurance carrier", "plan name",
        "health plan", "primary insurance",
    ),
    "cpt": (
        "cpt code", "procedure", "procedure code", "hcpcs", "cpt/hcpcs", "cpt/hcpcs code",
        "hcpcs code", "proc code", "cpt4", "cpt-4", "cpt hcpcs", "service code", "billing code",
    ),
    "service_date": (
        "date of service", "dos", "svc date", "service date", "from date", "encounter start",
        "dos from", "service from date", "date of service from", "from dos", "service dt",
    ),
    "submitted_date": (
        "date submitted", "submission date", "claim date", "billed date", "date billed",
        "submit date", "submitted", "sent date", "date sent", "bill date", "filed date",
        "date filed", "claim submission date", "claim submitted date",
    ),
    "decided_date": (
        "adjudication date", "adjudicated date", "decision date", "processed date", "remit date",
        "date adjudicated", "adjudicated", "date processed", "remittance date", "era date",
        "process date", "determination date", "date decided", "decided",
    ),
    "outcome": (
        "status", "claim status", "result", "adjudication status", "claim result",
        "claim outcome", "adjudication result", "decision",
    ),
    "payment_date": (
        "paid date", "date paid", "check date", "payment posted date", "payment posted",
        "posted date", "deposit date", "eft date", "check/eft date", "payment received date",
    ),
    "billed_amount": (
        "charge", "charges", "billed", "total charge", "charge amount", "billed amt",
        "charge amt", "total charges", "total billed", "amount billed", "claim amount",
        "gross charges", "billed charges", "submitted amount",
    ),
    "allowed_amount": (
        "allowed", "allowed amt", "contractual allowed", "allowable", "allowable amount",
        "amount allowed", "allowed charges", "total allowed",
    ),
    "paid_amount": (
        "paid", "payment", "payment amount", "insurance paid", "paid amt", "amount paid",
        "payer paid", "ins paid", "plan paid", "total paid", "insurance payment", "payment amt",
    ),
    "denial_reason_code": (
        "denial code", "carc", "reason code", "adjustment reason", "remark code",
        "adjustment reason code", "carc code", "denial reason code", "rarc", "adj reason code",
        "claim adjustment reason code",
    ),
    "denial_reason_text": (
        "denial reason", "denial description", "reason", "denial text", "denial reason text",
        "denial message", "reason description", "denial reason description",
    ),
}  # fmt: skip

# Columns that hold patient identifiers by name; they are never loaded. Short stems match as a
# whole word or at either end of the squashed name ("PatientDOB"); long stems match anywhere;
# ambiguous words ("city" ends "ethnicity") only as whole words.
_PHI_SHORT = ("ssn", "dob", "mrn", "mr#", "zip")
_PHI_WORDS = frozenset({"city", "fax", "cell"})
_PHI_LONG = (
    "patientname", "ptname", "membername", "subscribername", "insuredname", "guarantorname",
    "firstname", "lastname", "middlename", "fullname", "dateofbirth", "birth", "socialsecurity",
    "medicalrecord", "email", "phone", "mobile", "address", "street", "postalcode", "zipcode",
    "patientid", "memberid", "subscriberid", "insuredid", "membernumber", "subscribernumber",
    "policynumber", "accountnumber", "chartnumber",
)  # fmt: skip
_PHI_EXACT = frozenset(
    {"name", "patient", "member", "subscriber", "insured", "guarantor", "fname", "lname"}
)
_SEPARATORS = re.compile(r"[\s_\-.]+")
_WORDS = re.compile(r"[^a-z0-9#]+")


def normalise_header(name: str) -> str:
    """Case-, space-, `_`/`-`- and BOM-insensitive form: `" Claim_ID"` → `"claimid"`."""
    return _SEPARATORS.sub("", name.replace("\ufeff", "").strip().lower())


_LOOKUP = {
    normalise_header(alias): field
    for field, aliases in ALIASES.items()
    for alias in (field, *aliases)
}


def is_phi_column(name: str) -> bool:
    """True for columns named like patient name, SSN, DOB, address, phone, e-mail, MRN…"""
    lowered = name.replace("\ufeff", "").strip().lower()
    words = [w for w in _WORDS.split(lowered) if w]
    squashed = "".join(words)
    if squashed in _PHI_EXACT or any(stem in squashed for stem in _PHI_LONG):
        return True
    if _PHI_WORDS.intersection(words):
        return True
    return any(
        stem in words or squashed.startswith(stem) or squashed.endswith(stem) for stem in _PHI_SHORT
    )


@dataclass(frozen=True)
class HeaderMap:
    """How a file's header maps onto canonical fields."""

    index: dict[str, int]  # canonical field → column position
    ignored: list[str]  # unknown columns, as spelled in the file
    dropped_phi: list[str]  # PHI-named columns, as spelled; never read
    missing_required: list[str]
    width: int = 0  # number of header columns

    @property
    def free_text(self) -> frozenset[str]:
        """Kept fields holding free text (the MRN label check matters most there)."""
        return FREE_TEXT_FIELDS & self.index.keys()


def map_header(header: list[str]) -> HeaderMap:
    """Map each header cell; the first column for a field wins, later duplicates are ignored."""
    index: dict[str, int] = {}
    ignored: list[str] = []
    dropped: list[str] = []
    for position, name in enumerate(header):
        field = _LOOKUP.get(normalise_header(name))
        if field is not None and field not in index:
            index[field] = position
        elif field is None and is_phi_column(name):
            dropped.append(name.replace("\ufeff", "").strip())
        elif normalise_header(name):  # blank trailing header cells are not worth reporting
            ignored.append(name.replace("\ufeff", "").strip())
    missing = [f for f in REQUIRED if f not in index and STAND_INS.get(f) not in index]
    return HeaderMap(index, ignored, dropped, missing, len(header))


def missing_message(header_map: HeaderMap) -> str:
    """Name every missing required field and the header spellings that would have matched."""
    parts = []
    for field in header_map.missing_required:
        part = f"{field} (tried: {', '.join((field, *ALIASES[field]))})"
        if field in STAND_INS:
            part += f", or a {STAND_INS[field]} column to measure lags from"
        parts.append(part)
    return "missing required column(s): " + "; ".join(parts)
