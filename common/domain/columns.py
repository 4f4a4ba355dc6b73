"""Claim-file header mapping (SPEC 2.2): aliases → canonical fields, PHI-named columns dropped."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

REQUIRED = ("payer", "cpt", "submitted_date", "decided_date", "outcome")
# A required field another column can stand in for (SPEC 2.2 †: lags then run from it).
STAND_INS = {"submitted_date": "service_date"}
STAND_INS_FOR = {stand_in: field for field, stand_in in STAND_INS.items()}
HEADER_MIN_REQUIRED = 3
FREE_TEXT_FIELDS = frozenset({"denial_reason_text"})

# Canonical field → aliases as practice-management exports spell them. The SPEC names the first
# ones; the rest are common real-world variants. Matching is on `normalise_header`.
ALIASES: dict[str, tuple[str, ...]] = {
    "claim_id": (
        "claim id", "claim number", "claim #", "claim no", "clm nbr", "clm no", "clm #",
        "clm id", "claim nbr", "icn", "encounter id", "patient control number", "pcn",
        "patient control #", "pat ctrl nbr", "claim ref", "claim reference", "payer claim number",
        "payer claim id", "payer claim control number", "claim control number", "tcn", "dcn",
        "encounter number", "encounter #", "visit id", "visit number", "invoice number",
        "invoice #", "claim key",
    ),
    "line_number": (
        "line", "line #", "line no", "line number", "line num", "line nbr", "service line",
        "svc line", "svc ln", "ln", "ln #", "ln nbr", "line item", "service line number",
        "line seq", "line sequence", "charge line", "line item number",
    ),
    "payer": (
        "payer name", "pyr nam", "pyr name", "pyr", "insurance", "insurance name", "ins name",
        "carrier", "carrier name", "plan", "primary payer", "primary payer name",
        "primary insurance", "primary ins", "payor", "payor name", "insurer", "insurance company",
        "insurance carrier", "plan name", "health plan", "remitter", "remitter name", "payer nm",
        "financial class", "insurance plan", "ins plan", "payer description",
    ),
    "cpt": (
        "cpt code", "cpt4", "cpt-4", "cpt cd", "procedure", "procedure code", "proc code",
        "proc cd", "hcpcs", "hcpcs code", "cpt/hcpcs", "cpt/hcpcs code", "cpt hcpcs",
        "service code", "svc code", "svc cd", "billing code", "billed cpt code", "billed code",
        "cpt billed", "procedure cd", "px code", "activity code", "service item code",
    ),
    "service_date": (
        "date of service", "dos", "svc date", "svc dt", "service date", "service dt",
        "from date", "encounter start", "dos from", "service from date", "date of service from",
        "from dos", "service from", "svc from date", "visit date", "encounter date",
    ),
    "submitted_date": (
        "date submitted", "submission date", "submit date", "submitted", "submitted date",
        "claim date", "billed date", "date billed", "bill date", "bill dt", "sent date",
        "date sent", "claim sent date", "last billed date", "first billed date", "filed date",
        "date filed", "claim submission date", "claim submitted date", "claim billed date",
        "transmit date", "transmission date", "date transmitted",
    ),
    "decided_date": (
        "adjudication date", "adjudicated date", "adjudicated", "date adjudicated", "adj date",
        "decision date", "date decided", "decided", "processed date", "process date",
        "date processed", "remit date", "remittance date", "era date", "determination date",
        "adjudication dt", "processed dt", "remit dt", "claim processed date", "paid/denied date",
        "finalized date", "response date",
    ),
    "outcome": (
        "status", "claim status", "result", "adjudication status", "clm sts cod", "clm sts",
        "clm status", "claim status code", "claim sts", "status code", "trx status",
        "claim result", "claim outcome", "adjudication result", "decision", "claim state",
        "line status", "remit status", "era status",
    ),
    "payment_date": (
        "paid date", "date paid", "pd date", "pd dt", "check date", "chk date", "check dt",
        "deposit date", "eft date", "check/eft date", "payment posted date", "payment posted",
        "posted date", "post date", "payment date", "pmt date", "payment received date",
    ),
    "billed_amount": (
        "charge", "charges", "billed", "bill amt", "billed amt", "billed amount", "total charge",
        "total charges", "charge amount", "charge amt", "chg amt", "claimed amount",
        "amount billed", "gross charge", "gross charges", "total billed", "claim amount",
        "billed charges", "submitted amount", "submitted charges", "line charge", "fee", "gross",
        "gross amount",
    ),
    "allowed_amount": (
        "allowed", "allowed amt", "allwd amt", "allowed amount", "allowable", "allowable amount",
        "allowable amt", "contractual allowed", "cntrct allwd amt", "contract allowed",
        "amount allowed", "allowed charges", "total allowed", "approved amount",
    ),
    "paid_amount": (
        "paid", "pd amt", "paid amt", "paid amount", "payment", "payments", "payment amount",
        "payment amt", "pmt amt", "amount paid", "insurance paid", "ins paid", "ins pd",
        "payer paid", "plan paid", "total paid", "insurance payment", "ins pmt", "line paid",
    ),
    "denial_reason_code": (
        "denial code", "denial cd", "carc", "carc code", "reason code", "reason cd", "rsn cd",
        "adjustment reason", "adjustment reason code", "adj reason", "adj reason code",
        "adj rsn cd", "remark code", "denial reason code", "rarc", "claim adjustment reason code",
        "cas reason code", "group/reason code",
    ),
    "denial_reason_text": (
        "denial reason", "denial description", "denial desc", "reason", "description",
        "denial text", "denial reason text", "denial message", "reason description",
        "denial reason description", "reason desc", "remark", "remarks", "adjustment description",
    ),
}  # fmt: skip

# Columns that hold patient identifiers by name; they are never loaded. Short stems match as a
# whole word or at either end of the squashed name ("PatientDOB"); long stems match anywhere;
# ambiguous words ("city" ends "ethnicity") only as whole words.
_PHI_SHORT = ("ssn", "dob", "mrn", "mr#", "zip", "chart", "member", "pol")
_PHI_WORDS = frozenset({"city", "fax", "cell", "acct", "mbr", "subscr", "mbi", "hicn"})
_PHI_LONG = (
    "patientname", "ptname", "patname", "membername", "mbrname", "subscribername", "insuredname",
    "guarantorname", "firstname", "lastname", "middlename", "fullname", "dateofbirth", "birth",
    "socialsecurity", "medicalrecord", "email", "phone", "mobile", "address", "street",
    "postalcode", "zipcode", "patientid", "memberid", "subscriber", "insuredid", "membernumber",
    "memberno", "membernbr", "policy", "polnbr", "polno", "accountnumber", "acctnumber",
    "accountno", "acctno", "acctnbr", "account#", "acct#", "chartnumber", "chart#",
    "beneficiary", "ptacct", "patacct", "patientacct", "patientaccount", "medicare#",
)  # fmt: skip
_PHI_EXACT = frozenset(
    {"name", "patient", "member", "subscriber", "insured", "guarantor", "fname", "lname"}
)
# Header matching ignores case, spaces and `_ - # . /` (SPEC 2.2): "Claim #" = "claim".
_SEPARATORS = re.compile(r"[\s_\-.#/]+")
_WORDS = re.compile(r"[^a-z0-9#]+")


def normalise_header(name: str) -> str:
    """Case-, space-, `_-#./`- and BOM-insensitive form: `" Claim_ID #"` → `"claimid"`."""
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


def map_header(header: list[str], custom: Mapping[str, str] | None = None) -> HeaderMap:
    """Map each header cell: the customer's own mappings (normalised header → field) first,
    then the built-in aliases; the first column for a field wins, later ones are ignored."""
    custom = custom or {}
    keys = [normalise_header(name) for name in header]
    index: dict[str, int] = {}
    for position, key in enumerate(keys):
        field = custom.get(key)
        if field is not None and field not in index:
            index[field] = position
    taken = set(index.values())
    ignored: list[str] = []
    dropped: list[str] = []
    for position, (name, key) in enumerate(zip(header, keys, strict=True)):
        if position in taken:
            continue
        field = None if key in custom else _LOOKUP.get(key)
        if field is not None and field not in index:
            index[field] = position
        elif field is None and key not in custom and is_phi_column(name):
            dropped.append(_shown(name))
        elif key:  # blank trailing header cells are not worth reporting
            ignored.append(_shown(name))
    missing = [f for f in REQUIRED if f not in index and STAND_INS.get(f) not in index]
    return HeaderMap(index, ignored, dropped, missing, len(header))


def header_detector(custom: Mapping[str, str] | None = None):
    """`is_header(row)` for the reader: the row maps at least three required fields (SPEC 2.2)."""

    def is_header(row: list[str]) -> bool:
        mapped = map_header(row, custom).index.keys()
        found = {STAND_INS_FOR.get(f, f) for f in mapped} & set(REQUIRED)
        return len(found) >= HEADER_MIN_REQUIRED

    return is_header


def missing_message(header_map: HeaderMap) -> str:
    """Name every missing required field, the spellings tried and any likely match."""
    parts = []
    for field in header_map.missing_required:
        part = f"{field} (tried: {', '.join((field, *ALIASES[field]))})"
        if field in STAND_INS:
            part += f", or a {STAND_INS[field]} column to measure lags from"
        guess = did_you_mean(field, header_map.ignored)
        if guess:
            part += f"; did you mean {guess!r}?"
        parts.append(part)
    return (
        "missing required column(s): "
        + "; ".join(parts)
        + " (map a header the aliases do not know with `upstream mappings columns set` or"
        " POST /v1/column-mappings)"
    )


def did_you_mean(field: str, unrecognised: list[str]) -> str | None:
    """The unrecognised header most likely meant as `field`: one that contains one of its
    aliases (longest alias wins, `Claim Sent Date (UTC)` ⊃ `sent date`), else a close spelling."""
    names = {normalise_header(a): len(normalise_header(a)) for a in (field, *ALIASES[field])}
    best, best_len = None, 0
    for header in unrecognised:
        key = normalise_header(header)
        for alias, length in names.items():
            if length >= 3 and alias in key and length > best_len:
                best, best_len = header, length
    if best is not None:
        return best
    keys = {normalise_header(h): h for h in unrecognised}
    for alias in names:
        close = difflib.get_close_matches(alias, list(keys), n=1, cutoff=0.8)
        if close:
            return keys[close[0]]
    return None


def _shown(name: str) -> str:
    return name.replace("\ufeff", "").strip()
