"""PHI detection per value (SPEC 2.4): real hits, no false alarms, never the value itself."""

import pytest

from common.domain import phi


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("123-45-6789", "phi.ssn"),
        ("ssn 123-45-6789 on file", "phi.ssn"),
        ("SSN: 123456789", "phi.ssn"),
        ("(555) 867-5309", "phi.phone"),
        ("call (555)867-5309 today", "phi.phone"),
        ("555-123-4567", "phi.phone"),
        ("555.123.4567", "phi.phone"),
        ("555 123 4567", "phi.phone"),
        ("+1 555 123 4567", "phi.phone"),
        ("1-555-123-4567", "phi.phone"),
        ("+15551234567", "phi.phone"),
        ("jane.doe@example.com", "phi.email"),
        ("contact J_Doe+billing@mail.example.org", "phi.email"),
        ("patient MRN 88812345 denied", "phi.mrn"),
        ("MRN:A12345", "phi.mrn"),
        ("MR# 4471", "phi.mrn"),
        ("mr no. 99812", "phi.mrn"),
        ("Medical record number 12-3456", "phi.mrn"),
        ("MRN 123456789", "phi.mrn"),  # the label wins over the bare-SSN shape
    ],
)
def test_identifiers_are_found(value, rule):
    assert phi.scan(value) == rule


@pytest.mark.parametrize(
    "value",
    [
        "Not medically necessary",
        "Medical records requested",
        "Claim lacks information",
        "CO-16",
        "PR-204",
        "1234567.89",
        "$1,234,567.89",
        "123456789.00",
        "2026-01-05",
        "01/05/2026",
        "20260105",
        "99213-25",
        "NPI 1234567890",  # bare 10 digits: NPIs have that shape
        "ICN 2026-123-456789",
        "A123456789",
        "1234567890123",
        "Mr. Smith called",
        "mRNA 91300",
        "paid",
        "",
    ],
)
def test_clean_values_are_not_flagged(value):
    assert phi.scan(value) is None


@pytest.mark.parametrize("name", ["John Smith", "Mary Ann Jones", "Robert Johnson", "Smith, John"])
def test_person_names_in_the_payer_column(name):
    assert phi.scan(name, phi.PAYER) == "phi.person_name"
    assert phi.scan(name) is None  # the name rule is for the payer column only


@pytest.mark.parametrize(
    "payer",
    [
        "Blue Cross",
        "Aetna Better Health",
        "United Healthcare",
        "UnitedHealthcare",
        "Blue Cross Blue Shield",
        "Oscar Health",
        "Dean Health Plan",
        "Johns Hopkins",
        "Martin's Point",
        "Société Générale Santé",
        "Medicare",
        "Cigna",
        "john smith",  # not title-case
        "John",  # one word
        "John Paul Smith Jones",  # four words
    ],
)
def test_payers_that_are_not_people(payer):
    assert phi.scan(payer, phi.PAYER) is None


def test_claim_id_only_gets_the_dashed_ssn_check():
    assert phi.scan("123-45-6789", phi.CLAIM_ID) == "phi.ssn"
    assert phi.scan("123456789", phi.CLAIM_ID) is None
    assert phi.scan("555-123-4567", phi.CLAIM_ID) is None
    assert phi.scan("2026-123-4567890", phi.CLAIM_ID) is None
    assert phi.scan("MRN 12345", phi.CLAIM_ID) is None


def test_date_of_birth_columns():
    assert phi.column_kind("patient_dob") == phi.DOB
    assert phi.scan("1980-04-02", phi.DOB) == "phi.dob"
    assert phi.scan("04/02/1980", phi.DOB) == "phi.dob"
    assert phi.scan("unknown", phi.DOB) is None


def test_column_kinds():
    assert phi.column_kind("claim_id") == phi.CLAIM_ID
    assert phi.column_kind("payer") == phi.PAYER
    assert phi.column_kind("denial_reason_text") == phi.TEXT
