"""Header mapping (SPEC 2.2): aliases, unknown and PHI-named columns, missing required fields."""

import pytest

from common.domain.columns import ALIASES, REQUIRED, is_phi_column, map_header, missing_message
from common.domain.columns import normalise_header as norm

SPEC_ALIASES = {
    "claim_id": ["claim id", "claim number", "claim #", "icn", "encounter id"],
    "payer": ["payer name", "insurance", "insurance name", "carrier", "plan", "primary payer"],
    "cpt": ["cpt code", "procedure", "procedure code", "hcpcs", "cpt/hcpcs"],
    "submitted_date": [
        "date submitted",
        "submission date",
        "claim date",
        "billed date",
        "date billed",
    ],
    "decided_date": [
        "adjudication date",
        "adjudicated date",
        "decision date",
        "processed date",
        "remit date",
        "date adjudicated",
    ],
    "outcome": ["status", "claim status", "result", "adjudication status"],
    "payment_date": ["paid date", "date paid", "check date", "payment posted date"],
    "billed_amount": ["charge", "charges", "billed", "total charge", "charge amount"],
    "allowed_amount": ["allowed", "allowed amt", "contractual allowed"],
    "paid_amount": ["paid", "payment", "payment amount", "insurance paid"],
    "denial_reason_code": [
        "denial code",
        "carc",
        "reason code",
        "adjustment reason",
        "remark code",
    ],
    "denial_reason_text": ["denial reason", "denial description", "reason"],
}


@pytest.mark.parametrize(
    ("field", "alias"), [(f, a) for f, aliases in SPEC_ALIASES.items() for a in aliases]
)
def test_every_spec_alias_maps(field, alias):
    assert map_header([alias]).index == {field: 0}
    assert map_header([alias.upper().replace(" ", "_")]).index == {field: 0}


def test_header_normalisation():
    assert norm("\ufeff Claim_ID ") == "claimid"
    assert norm("claim-id") == norm("Claim Id") == norm("CLAIM_ID") == "claimid"
    assert map_header(["\ufeffPayer-Name", " CPT_Code ", "Date  Submitted"]).index == {
        "payer": 0,
        "cpt": 1,
        "submitted_date": 2,
    }


def test_canonical_names_themselves_map():
    header = list(ALIASES)
    assert map_header(header).index == {field: i for i, field in enumerate(header)}


def test_unknown_columns_are_ignored_with_their_spelling_and_duplicates_lose():
    header = ["Payer", "Notes ", "Ethnicity", "CPT", "Payer Name", ""]
    mapped = map_header(header)
    assert mapped.index == {"payer": 0, "cpt": 3}
    assert mapped.ignored == ["Notes", "Ethnicity", "Payer Name"]
    assert mapped.dropped_phi == []
    assert mapped.width == 6


@pytest.mark.parametrize(
    "column",
    [
        "Patient Name",
        "Member Name",
        "Subscriber Name",
        "First Name",
        "last_name",
        "SSN",
        "Member SSN",
        "DOB",
        "PatientDOB",
        "Date of Birth",
        "Birth Date",
        "Address",
        "Street Address",
        "City",
        "Zip Code",
        "Phone",
        "Telephone",
        "Mobile",
        "Patient Phone",
        "Email",
        "E-mail",
        "MRN",
        "Medical Record Number",
        "MR#",
    ],
)
def test_phi_named_columns_are_dropped(column):
    mapped = map_header(["payer", column, "cpt"])
    assert mapped.dropped_phi == [column]
    assert mapped.index == {"payer": 0, "cpt": 2}
    assert mapped.ignored == []


@pytest.mark.parametrize(
    "column", ["Payer Name", "Provider NPI", "Ethnicity", "Notes", "Place of Service", "Units"]
)
def test_ordinary_columns_are_not_phi(column):
    assert not is_phi_column(column)


def test_missing_required_fields_and_message():
    mapped = map_header(["claim_id", "payer", "cpt"])
    assert mapped.missing_required == ["submitted_date", "decided_date", "outcome"]
    message = missing_message(mapped)
    assert message.startswith("missing required column(s): submitted_date (tried: ")
    assert "date submitted" in message and "adjudication date" in message
    assert "claim status" in message
    assert "payer" not in message.split("tried")[0]


def test_complete_header_misses_nothing():
    mapped = map_header(list(REQUIRED))
    assert mapped.missing_required == []
    assert mapped.free_text == frozenset()
    assert map_header(["reason"]).free_text == {"denial_reason_text"}
