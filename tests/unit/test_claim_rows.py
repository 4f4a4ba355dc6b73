"""Row validation (SPEC 2.3–2.4): the staged record, every rule, and PHI never echoed."""

from datetime import date

import pytest

from common.domain.claim_rows import STAGE_COLUMNS, RowValidator
from common.domain.columns import map_header

HEADER = [
    "claim_id",
    "payer",
    "cpt",
    "submitted_date",
    "decided_date",
    "outcome",
    "payment_date",
    "billed_amount",
    "allowed_amount",
    "paid_amount",
    "denial_reason_code",
    "denial_reason_text",
]
TODAY = date(2026, 3, 1)
GOOD = {
    "claim_id": "A1",
    "payer": "Aetna",
    "cpt": "99213",
    "submitted_date": "2026-01-05",
    "decided_date": "2026-01-20",
    "outcome": "paid",
    "payment_date": "2026-01-25",
    "billed_amount": "150.00",
    "allowed_amount": "100",
    "paid_amount": "$1,000.5",
    "denial_reason_code": "",
    "denial_reason_text": "",
}


def validator(header=HEADER, aliases=None, overrides=None, **kwargs):
    return RowValidator(map_header(header), TODAY, aliases or {}, overrides or {}, **kwargs)


def row(**changes) -> list[str]:
    return [changes.get(field, GOOD[field]) for field in HEADER]


def staged(result) -> dict:
    """An accepted row's record by stage column."""
    return dict(zip(STAGE_COLUMNS, result.record, strict=True))


def test_accepted_row_record_in_stage_order():
    result = validator().validate(7, row())
    assert result.accepted and result.errors == () and result.warnings == ()
    assert dict(zip(STAGE_COLUMNS, result.record, strict=True)) == {
        "row_number": 7,
        "claim_id": "A1",
        "line_number": None,
        "payer": "Aetna",
        "cpt": "99213",
        "cpt_modifiers": None,
        "cpt_group": "E&M",
        "service_date": None,
        "submitted_date": "2026-01-05",
        "decided_date": "2026-01-20",
        "payment_date": "2026-01-25",
        "outcome": "PAID",
        "billed_amount": "150.00",
        "allowed_amount": "100.00",
        "paid_amount": "1000.50",
        "denial_reason_code": None,
        "denial_reason_text": None,
    }
    assert result.date_key == date(2026, 1, 20)


def test_normalisation_aliases_overrides_and_denial_fields():
    check = validator(aliases={"blue cross": "BCBS"}, overrides={"99213": "OFFICE"})
    result = check.validate(
        1,
        row(
            claim_id=" C-9 ",
            payer="  BLUE   Cross ",
            cpt="99213-25 59",
            submitted_date="1/5/2026",
            outcome="Denied",
            payment_date="",
            paid_amount="",
            denial_reason_code=" CO-50 ",
            denial_reason_text="  Not medically necessary ",
        ),
    )
    record = dict(zip(STAGE_COLUMNS, result.record, strict=True))
    assert record["claim_id"] == "C-9" and record["payer"] == "BCBS"
    assert (record["cpt"], record["cpt_modifiers"], record["cpt_group"]) == (
        "99213",
        "25,59",
        "OFFICE",
    )
    assert record["submitted_date"] == "2026-01-05" and record["outcome"] == "DENIED"
    assert (record["payment_date"], record["paid_amount"]) == (None, None)
    assert record["denial_reason_code"] == "CO-50"
    assert record["denial_reason_text"] == "Not medically necessary"


def test_unaliased_payer_is_collapsed_not_recased():
    result = validator(aliases={"aetna": "Aetna Inc"}).validate(1, row(payer=" Blue  Cross "))
    assert staged(result)["payer"] == "Blue Cross"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"submitted_date": "01/05/26"}, [("submitted_date", "date.invalid")]),
        ({"submitted_date": "1999-12-31"}, [("submitted_date", "date.invalid")]),
        ({"submitted_date": "2026-01-21"}, [("decided_date", "date.order")]),
        ({"payment_date": "2026-01-19"}, [("payment_date", "date.order")]),
        ({"payment_date": "2026-03-03"}, [("payment_date", "date.future")]),
        ({"decided_date": "2099-01-20", "payment_date": ""}, [("decided_date", "date.future")]),
        ({"decided_date": ""}, [("decided_date", "required.decided_date")]),
        ({"payer": " "}, [("payer", "required.payer")]),
        ({"cpt": ""}, [("cpt", "required.cpt")]),
        ({"cpt": "ABCDE"}, [("cpt", "cpt.invalid")]),
        ({"submitted_date": ""}, [("submitted_date", "required.submitted_date")]),
        ({"outcome": ""}, [("outcome", "required.outcome")]),
        ({"billed_amount": "(12.00)"}, [("billed_amount", "money.negative")]),
        ({"allowed_amount": "12abc"}, [("allowed_amount", "money.invalid")]),
        ({"paid_amount": "10,000,000.01"}, [("paid_amount", "money.invalid")]),
    ],
)
def test_each_rule(changes, errors):
    result = validator().validate(3, row(**changes))
    assert not result.accepted and result.record is None
    assert result.errors == errors
    assert result.date_key is None


def test_tomorrow_is_allowed_the_day_after_is_future():
    assert validator().validate(1, row(payment_date="2026-03-02")).accepted
    result = validator().validate(1, row(payment_date="2026-03-03"))
    assert result.errors == [("payment_date", "date.future")]


def test_every_column_is_reported_once_in_column_order():
    result = validator().validate(
        4,
        row(cpt="BAD", submitted_date="x", decided_date="2026-13-01", billed_amount="-1"),
    )
    assert result.errors == [
        ("cpt", "cpt.invalid"),
        ("submitted_date", "date.invalid"),
        ("decided_date", "date.invalid"),
        ("billed_amount", "money.negative"),
    ]


def test_both_date_orders_break():
    result = validator().validate(
        1, row(submitted_date="2026-02-01", decided_date="2026-01-20", payment_date="2026-01-10")
    )
    assert result.errors == [("decided_date", "date.order"), ("payment_date", "date.order")]


def test_payment_before_submission_without_a_decision():
    result = validator().validate(
        1, row(outcome="pending", decided_date="", payment_date="2026-01-01")
    )
    assert result.errors == [("payment_date", "date.order")]


def test_unknown_outcome_warns_and_may_lack_a_decision_date():
    result = validator().validate(
        2, row(outcome="appealed", decided_date="", payment_date="", paid_amount="")
    )
    assert result.accepted
    assert result.warnings == (("outcome", "outcome.unknown"),)
    assert staged(result)["decided_date"] is None and staged(result)["outcome"] == "OTHER"
    assert result.date_key == date(2026, 1, 5)  # falls back to submitted_date


def test_short_rows_pad_with_empty_and_extra_values_are_ignored():
    short = validator().validate(1, row()[:6])
    assert short.accepted
    values = staged(short)
    assert (values["payment_date"], values["outcome"]) == (None, "PAID")
    assert [values[c] for c in STAGE_COLUMNS[-5:]] == [None] * 5
    long = validator().validate(2, [*row(), "extra", "values"])
    assert long.accepted and staged(long)["claim_id"] == "A1"


def test_missing_optional_columns_stay_null():
    header = ["Payer", "CPT Code", "Date Submitted", "Remit Date", "Status"]
    result = validator(header).validate(1, ["Aetna", "99213", "2026-01-05", "2026-01-20", "paid"])
    assert result.accepted
    assert result.record == (
        1, None, None, "Aetna", "99213", None, "E&M", None, "2026-01-05", "2026-01-20", None,
        "PAID", None, None, None, None, None,
    )  # fmt: skip


def test_money_limit_comes_from_settings():
    result = validator(money_max=1000.0).validate(
        1, row(billed_amount="1000.01", paid_amount="1000")
    )
    assert result.errors == [("billed_amount", "money.invalid")]


PHI_CASES = [
    ({"claim_id": "123-45-6789"}, ("claim_id", "phi.ssn"), "123-45-6789"),
    ({"payer": "Robert Johnson"}, ("payer", "phi.person_name"), "Robert Johnson"),
    ({"payer": "jane@example.com"}, ("payer", "phi.email"), "jane@example.com"),
    (
        {"denial_reason_text": "call (555) 867-5309"},
        ("denial_reason_text", "phi.phone"),
        "867-5309",
    ),
    (
        {"denial_reason_text": "patient MRN 88812345 denied"},
        ("denial_reason_text", "phi.mrn"),
        "88812345",
    ),
    ({"denial_reason_code": "987-65-4321"}, ("denial_reason_code", "phi.ssn"), "987-65-4321"),
    ({"submitted_date": "123-45-6789"}, ("submitted_date", "phi.ssn"), "123-45-6789"),
    ({"billed_amount": "555-123-4567"}, ("billed_amount", "phi.phone"), "555-123-4567"),
    ({"outcome": "see jo@x.org"}, ("outcome", "phi.email"), "jo@x.org"),
    ({"cpt": "123-45-6789"}, ("cpt", "phi.ssn"), "123-45-6789"),
]


@pytest.mark.parametrize(("changes", "error", "secret"), PHI_CASES)
def test_phi_rejects_the_row_and_never_echoes_the_value(changes, error, secret):
    result = validator().validate(17, row(**changes))
    assert result.errors == [error]
    assert result.record is None
    assert secret not in repr(result.errors) + repr(result.warnings)


def test_claim_id_gets_only_the_ssn_check():
    for claim_id in ("123456789", "555-123-4567", "2026-0001-99"):
        assert validator().validate(1, row(claim_id=claim_id)).accepted


def test_clean_rows_from_real_exports_are_accepted():
    check = validator()
    for payer in ("Blue Cross Blue Shield", "Aetna Better Health", "United Healthcare"):
        assert check.validate(1, row(payer=payer)).accepted
    assert check.validate(1, row(denial_reason_text="Medical records requested")).accepted


def test_caches_stay_bounded_and_results_stay_right(monkeypatch):
    from common.domain import claim_rows

    monkeypatch.setattr(claim_rows, "_CACHE_LIMIT", 5)
    check = validator()
    for cents in range(50):
        result = check.validate(1, row(billed_amount=f"1{cents:02d}.00"))
        assert staged(result)["billed_amount"] == f"1{cents:02d}.00"
    assert len(check._money) <= 5


def test_a_payer_in_other_letter_case_is_the_same_payer():
    # SPEC 2.3: the spelling the customer's lines already have, else the file's first.
    within = validator()
    payers = [staged(within.validate(n, row(payer=p)))["payer"] for n, p in
              enumerate(["CIGNA", "Cigna", " cigna  "], start=1)]  # fmt: skip
    assert payers == ["CIGNA", "CIGNA", "CIGNA"]
    known = validator(payer_spellings={"cigna": "Cigna"})
    assert staged(known.validate(1, row(payer="CIGNA")))["payer"] == "Cigna"
    aliased = validator(aliases={"cigna": "Cigna Healthcare"}, payer_spellings={"cigna": "Cigna"})
    assert staged(aliased.validate(1, row(payer="CIGNA")))["payer"] == "Cigna Healthcare"
    assert staged(within.validate(4, row(payer="Aetna")))["payer"] == "Aetna"  # another payer
