"""Header mapping (SPEC 2.2): aliases, unknown and PHI-named columns, missing required fields."""

import pytest

from common.domain.columns import (
    ALIASES,
    REQUIRED,
    did_you_mean,
    header_detector,
    is_phi_column,
    map_header,
    missing_message,
)
from common.domain.columns import normalise_header as norm


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


# The alias table of SPEC 2.2, as written there: each spelling must map to its field.
SPEC_ALIASES = {
    "claim_id": "claim id, claim number, claim #, claim no, clm nbr, icn, encounter id, "
    "patient control number, pcn",
    "line_number": "line, line #, line no, service line, svc line, ln",
    "payer": "payer name, pyr nam, insurance, insurance name, carrier, plan, primary payer, "
    "primary insurance, remitter",
    "cpt": "cpt code, cpt4, procedure, procedure code, hcpcs, cpt/hcpcs, service code, svc code, "
    "billed cpt code",
    "service_date": "date of service, dos, svc date, service date, from date, encounter start",
    "submitted_date": "date submitted, submission date, claim date, billed date, date billed, "
    "bill date, sent date, date sent, claim sent date, last billed date",
    "decided_date": "adjudication date, adjudicated date, decision date, processed date, "
    "process date, remit date, remittance date, era date, date adjudicated",
    "outcome": "status, claim status, result, adjudication status, clm sts cod, "
    "claim status code, trx status",
    "payment_date": "paid date, date paid, check date, deposit date, eft date, payment posted date",
    "billed_amount": "charge, charges, billed, bill amt, total charge, charge amount, "
    "claimed amount, amount billed, gross charge",
    "allowed_amount": "allowed, allowed amt, allwd amt, allowable, contractual allowed, "
    "cntrct allwd amt",
    "paid_amount": "paid, pd amt, payment, payments, payment amount, amount paid, insurance paid",
    "denial_reason_code": "denial code, carc, reason code, reason cd, adjustment reason, "
    "adj reason, remark code",
    "denial_reason_text": "denial reason, denial description, reason, description",
}


@pytest.mark.parametrize("field", sorted(SPEC_ALIASES))
def test_every_spec_alias_maps_to_its_field(field):
    for alias in SPEC_ALIASES[field].split(", "):
        assert map_header([alias.upper().replace(" ", "_")]).index == {field: 0}, alias


def test_no_spelling_maps_to_two_fields():
    seen: dict[str, str] = {}
    for field, aliases in ALIASES.items():
        for alias in (field, *aliases):
            key = norm(alias)
            assert seen.setdefault(key, field) == field, alias


def test_custom_mappings_come_before_aliases():
    header = ["Status", "Clm Submit Dt", "Payer"]
    mapped = map_header(header, {"clmsubmitdt": "submitted_date", "status": "denial_reason_text"})
    assert mapped.index == {"denial_reason_text": 0, "submitted_date": 1, "payer": 2}
    assert mapped.ignored == []


@pytest.mark.parametrize(
    ("field", "headers", "guess"),
    [
        (
            "submitted_date",
            ["Primary Claim Sent Date (UTC)", "Notes"],
            "Primary Claim Sent Date (UTC)",
        ),
        ("decided_date", ["Adjudicaton Date"], "Adjudicaton Date"),
        ("payer", ["Notes", "Comments"], None),
    ],
)
def test_did_you_mean(field, headers, guess):
    assert did_you_mean(field, headers) == guess


def test_header_detector_needs_three_required_fields():
    is_header = header_detector()
    assert is_header(["Pyr Nam", "CPT", "DOS"])  # service_date stands in for submitted_date
    assert not is_header(["ERA Import Posting Report"])
    assert not is_header(["Payer", "Total"])
    assert header_detector({"foo": "payer", "bar": "cpt", "baz": "outcome"})(["Foo", "Bar", "Baz"])
