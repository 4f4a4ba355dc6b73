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


def test_code_is_the_claim_id_kind():
    assert phi.CODE == phi.CLAIM_ID
    assert phi.column_kind("cpt") == phi.CODE
    assert phi.column_kind("denial_reason_code") == phi.CODE


@pytest.mark.parametrize("code", ["123456789", "73211009", "987654321", "99213", "CO-16"])
def test_nine_digit_codes_in_a_code_column_are_not_flagged(code):
    assert phi.scan(code, phi.CODE) is None
    assert phi.scan(code, phi.CLAIM_ID) is None


def test_a_dashed_ssn_is_flagged_in_every_kind():
    for kind in (phi.CODE, phi.TEXT, phi.VALUE, phi.PAYER, phi.TRUSTED_PAYER):
        assert phi.scan("123-45-6789", kind) == "phi.ssn", kind


# --- phones: toll-free payer lines are fine, other numbers are PHI


@pytest.mark.parametrize(
    "value",
    [
        "1-800-555-1234",
        "800-555-1234",
        "(833) 555-1234",
        "+1 (844) 555 1234",
        "855.555.1234",
        "+18665551234",
        "1 877 555 1234",
        "call 888-555-1234 for appeals",
    ],
)
def test_toll_free_numbers_are_not_flagged(value):
    assert phi.scan(value) is None
    assert phi.scan(value, phi.VALUE) is None
    assert phi.scan(value, phi.PAYER) is None


@pytest.mark.parametrize(
    "value",
    ["(555) 867-5309", "617-555-1234", "+1 212 555 1234", "+12125551234", "1-900-555-1234"],
)
def test_local_numbers_are_flagged(value):
    for kind in (phi.TEXT, phi.VALUE, phi.PAYER, phi.TRUSTED_PAYER):
        assert phi.scan(value, kind) == "phi.phone", kind
    assert phi.scan(value, phi.CODE) is None


def test_a_local_number_next_to_a_toll_free_one_is_flagged():
    assert phi.scan("payer 800-555-1234, patient 617-555-1234") == "phi.phone"


# --- bare 9-digit runs in free text: SSN unless a reference word precedes them


@pytest.mark.parametrize(
    "text",
    [
        "appeal reference 240501123",
        "claim no. 123456789",
        "Ref# 123456789",
        "ref#123456789",
        "ref. 123456789",
        "REF: 123456789",
        "ICN 123456789 denied",
        "see claim # 123456789",
        "claim control number 123456789",
        "control no 123456789",
        "prior auth number 123456789",
        "Authorization #: 123456789",
        "check no. 123456789",
        "EFT trace 123456789",
        "trace no. 123456789",
    ],
)
def test_reference_numbers_in_text_are_not_ssns(text):
    assert phi.scan(text, phi.TEXT) is None


@pytest.mark.parametrize(
    "text",
    [
        "ssn 123456789",
        "123456789",
        "patient 123456789 not eligible",
        "claim denied for member 123456789",  # "claim" is four words back
        "ref 111111111 and ssn 222222222",  # the second number has no reference word
    ],
)
def test_bare_nine_digits_in_text_are_ssns(text):
    assert phi.scan(text, phi.TEXT) == "phi.ssn"


def test_bare_nine_digits_and_mrn_only_in_free_text():
    for kind in (phi.VALUE, phi.PAYER, phi.TRUSTED_PAYER, phi.CODE):
        assert phi.scan("123456789", kind) is None, kind
        assert phi.scan("MRN 88812345", kind) is None, kind
    assert phi.scan("MRN 88812345", phi.TEXT) == "phi.mrn"


def test_value_kind():
    assert phi.column_kind("submitted_date") == phi.VALUE
    assert phi.column_kind("paid_amount") == phi.VALUE
    assert phi.column_kind("outcome") == phi.VALUE
    assert phi.column_kind("line_number") == phi.VALUE
    assert phi.scan("jane.doe@example.com", phi.VALUE) == "phi.email"
    assert phi.scan("617-555-1234", phi.VALUE) == "phi.phone"
    assert phi.scan("123-45-6789", phi.VALUE) == "phi.ssn"
    for value in ("2026-13-45", "$1,2,3", "denied?", "12x", "John Smith", "20261305"):
        assert phi.scan(value, phi.VALUE) is None, value


# --- person names in the payer column


@pytest.mark.parametrize("name", ["John Smith", "Smith, Mary", "Mary Ann Jones", "Robert Brown"])
def test_persons_are_still_flagged(name):
    assert phi.scan(name, phi.PAYER) == "phi.person_name"
    assert phi.looks_like_person(name)


@pytest.mark.parametrize(
    "payer",
    [
        "John Hancock",
        "john  HANCOCK",  # case and whitespace do not matter for the directory
        "Hancock, John",
        "Paul Revere",
        "Ryan White",
        "Walter Reed",
        "Mary Washington",
        "Christian Brothers",
        "Samaritan Ministries",
        "Mary Guardian",
        "Paul Financial",
        "James Foundation",
        "Thomas Associates",
        "William Cooperative",
        "Kelly Veterans Affairs",
        "Karen VA",
        "Steven Workers Coop",
    ],
)
def test_trusted_payer_names_are_not_flagged(payer):
    assert phi.scan(payer, phi.PAYER) is None
    assert not phi.looks_like_person(payer)


def test_names_from_the_directory_file_are_trusted():
    from importlib import resources

    text = resources.files("common.domain.data").joinpath("us_payer_names.txt").read_text()
    names = [n for n in text.splitlines() if n.strip() and not n.startswith("#")]
    assert len(names) > 3000
    assert "MIT License" in text and "Copyright (c)" in text
    assert names[:-5] == sorted(set(names[:-5]), key=lambda n: (n.casefold(), n))
    assert all(n == " ".join(n.split()) for n in names)
    for name in ("Aetna Better Health of Delaware", "BCBS of Arkansas", names[0], names[-1]):
        assert phi.in_payer_directory(name), name
        assert phi.in_payer_directory(f"  {name.upper()} "), name
        assert phi.scan(name, phi.PAYER) is None, name
    assert not phi.in_payer_directory("John Smith")


def test_trusted_payer_skips_only_the_name_rule():
    assert phi.scan("John Smith", phi.TRUSTED_PAYER) is None
    assert phi.scan("Robert Brown", phi.TRUSTED_PAYER) is None
    assert phi.scan("john.smith@example.com", phi.TRUSTED_PAYER) == "phi.email"
    assert phi.scan("John Smith 617-555-1234", phi.TRUSTED_PAYER) == "phi.phone"
    assert phi.scan("Aetna 1-800-555-1234", phi.TRUSTED_PAYER) is None


def test_unknown_kind_is_an_error_that_does_not_echo_the_value():
    with pytest.raises(ValueError) as exc:
        phi.scan("123-45-6789 Jane Doe", "nonsense")
    assert "Jane" not in str(exc.value) and "6789" not in str(exc.value)


def test_the_directory_is_loaded_lazily_once(monkeypatch):
    phi._payer_directory.cache_clear()
    phi._scan_cached.cache_clear()
    reads = []
    real = phi.resources.files

    def counting(package):
        reads.append(package)
        return real(package)

    monkeypatch.setattr(phi.resources, "files", counting)
    assert phi.scan("Cigna", phi.PAYER) is None  # no first name: the directory is not needed
    assert phi.scan("denied 2026-01-05") is None
    assert reads == []
    assert phi.scan("Paul Revere", phi.PAYER) is None
    assert phi.scan("Walter Reed", phi.PAYER) is None
    assert phi.scan("John Smith", phi.PAYER) == "phi.person_name"
    assert reads == ["common.domain.data"]
