"""Value parsing (SPEC 2.3): dates, money, outcome, CPT and its group, payer."""

from datetime import date
from decimal import Decimal

import pytest

from common.domain.dates import date_order_evidence, parse_date
from common.domain.money import money_text, parse_money
from common.domain.values import (
    RowError,
    cpt_group,
    is_placeholder,
    is_self_pay,
    lost_leading_zeros,
    normalise_outcome,
    normalise_payer,
    parse_cpt,
    payer_key,
)


@pytest.mark.parametrize(
    "text",
    ["2026-01-05", "01/05/2026", "1/5/2026", "2026/01/05", "01-05-2026", "20260105", " 1/05/2026 "],
)
def test_every_date_format(text):
    assert parse_date(text) == date(2026, 1, 5)


@pytest.mark.parametrize(
    "text",
    [
        "01/05/26",  # two-digit year
        "1/5/26",
        "26-01-05",
        "2026-02-30",  # no such day
        "13/01/2024",  # no month 13 (and not read as DD/MM)
        "2026-1-5",  # ISO needs two-digit month and day
        "2026.01.05",
        "Jan 5 2026",
        "yesterday",
        "",
        "2026010",
    ],
)
def test_rejected_dates(text):
    with pytest.raises(RowError) as caught:
        parse_date(text)
    assert caught.value.rule == "date.invalid"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1234.56", Decimal("1234.56")),
        ("$1,234.56", Decimal("1234.56")),
        ("1,234", Decimal("1234.00")),
        ("0", Decimal("0.00")),
        (".5", Decimal("0.50")),
        ("12.", Decimal("12.00")),
        ("100.0000", Decimal("100.00")),
        (" 150.00 ", Decimal("150.00")),
        ("(0.00)", Decimal("0.00")),
        ("10000000", Decimal("10000000.00")),
    ],
)
def test_money_forms(text, amount):
    assert parse_money(text) == amount


def test_empty_money_is_none():
    assert parse_money("") is None
    assert parse_money("   ") is None
    assert money_text("") is None


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("(12.00)", "money.negative"),
        ("-5.00", "money.negative"),
        ("$-5", "money.negative"),
        ("-$5", "money.negative"),
        ("12abc", "money.invalid"),
        ("1,23,4.00", "money.invalid"),
        ("12.345", "money.invalid"),  # sub-cent: refused, not rounded
        ("$", "money.invalid"),
        ("1.2.3", "money.invalid"),
        ("10000000.01", "money.invalid"),
        ("(20,000,000.00)", "money.negative"),
    ],
)
def test_bad_money(text, rule):
    with pytest.raises(RowError) as caught:
        parse_money(text)
    assert caught.value.rule == rule


def test_money_limit_is_a_parameter():
    assert parse_money("500.00", 1000) == Decimal("500.00")
    with pytest.raises(RowError, match="money.invalid"):
        parse_money("1000.01", 1000)
    with pytest.raises(RowError, match="money.invalid"):
        money_text("1000.01", 1000.0)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("150.00", "150.00"),
        ("$1,234.5", "1234.50"),
        ("0150", "150.00"),
        ("(0.00)", "0.00"),
    ],
)
def test_money_text_is_canonical(text, canonical):
    assert money_text(text) == canonical


PAID, DENIED, UNKNOWN = ("PAID", None), ("DENIED", None), ("OTHER", "outcome.unknown")
REVERSAL = ("OTHER", "outcome.reversal")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paid", PAID),
        ("PAID", PAID),
        (" Approved ", PAID),
        ("accepted", PAID),
        ("allowed", PAID),
        ("Paid in Full", PAID),
        ("Processed as Primary", PAID),
        ("processed_as_primary", PAID),
        ("Processed as Secondary", PAID),
        ("Processed as Tertiary", PAID),
        ("Processed as Primary, Forwarded to Additional Payer(s)", PAID),
        ("Remitted", PAID),
        ("Partially Remitted", PAID),
        ("partial paid", PAID),
        ("Partially  Paid", PAID),
        ("partially-paid", PAID),
        ("Partially Denied", PAID),
        ("1", PAID),  # X12 CLP02 claim status codes
        ("2", PAID),
        ("3", PAID),
        ("19", PAID),
        ("20", PAID),
        ("21", PAID),
        ("01", PAID),
        ("denied", DENIED),
        ("Denied - Not Covered", DENIED),
        ("REJECTED", DENIED),
        ("declined", DENIED),
        ("zero pay", DENIED),
        ("Zero Paid", DENIED),
        ("$0 Paid", DENIED),
        ("Paid - Zero", DENIED),
        ("4", DENIED),
        ("22", REVERSAL),
        ("Reversal", REVERSAL),
        ("VOID", REVERSAL),
        ("pending", UNKNOWN),
        ("in process", UNKNOWN),
        ("appealed", UNKNOWN),
        ("5", UNKNOWN),
    ],
)
def test_outcome_mapping(text, expected):
    assert normalise_outcome(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99213", ("99213", None)),
        (" 99213 ", ("99213", None)),
        ("99213-25", ("99213", "25")),
        ("99213 25 59", ("99213", "25,59")),
        ("99213-25-lt", ("99213", "25,LT")),
        ("j1234", ("J1234", None)),
        ("0001U", ("0001U", None)),
        ("0500f", ("0500F", None)),
        ("0042T", ("0042T", None)),
    ],
)
def test_cpt_and_modifiers(text, expected):
    assert parse_cpt(text) == expected


@pytest.mark.parametrize(
    "text", ["ABCDE", "9921", "992131", "99213_25", "99213-2", "W1234", "9921X", "", "99213-255"]
)
def test_bad_cpt(text):
    with pytest.raises(RowError) as caught:
        parse_cpt(text)
    assert caught.value.rule == "cpt.invalid"


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("99201", "E&M"),
        ("99202", "E&M"),
        ("99499", "E&M"),
        ("99100", "ANESTHESIA"),
        ("99140", "ANESTHESIA"),
        ("99141", "MEDICINE"),
        ("00100", "ANESTHESIA"),
        ("01999", "ANESTHESIA"),
        ("00099", "OTHER"),
        ("10003", "OTHER"),
        ("10004", "SURGERY"),
        ("69990", "SURGERY"),
        ("69991", "OTHER"),
        ("70010", "RADIOLOGY"),
        ("79999", "RADIOLOGY"),
        ("80047", "PATH_LAB"),
        ("89398", "PATH_LAB"),
        ("0001U", "PATH_LAB"),
        ("0500F", "CATEGORY_II"),
        ("0042T", "CATEGORY_III"),
        ("J1234", "HCPCS_J"),
        ("A0425", "HCPCS_A"),
        ("90281", "MEDICINE"),
        ("99199", "MEDICINE"),
        ("99200", "OTHER"),
        ("99500", "MEDICINE"),
        ("99607", "MEDICINE"),
        ("99608", "OTHER"),
    ],
)
def test_cpt_group_range_edges(code, group):
    assert cpt_group(code, {}) == group


def test_cpt_override_by_exact_code_wins():
    overrides = {"99213": "OFFICE_VISIT"}
    assert cpt_group("99213", overrides) == "OFFICE_VISIT"
    assert cpt_group("99214", overrides) == "E&M"


def test_payer_normalisation_and_key():
    assert normalise_payer("  Blue   Cross\tBlue Shield ") == "Blue Cross Blue Shield"
    assert payer_key(" BLUE  cross ") == "blue cross"


def test_row_error_names_rule_and_column_only():
    error = RowError("date.invalid", "submitted_date")
    assert str(error) == "submitted_date: date.invalid"
    assert (error.rule, error.column) == ("date.invalid", "submitted_date")


def test_money_allows_a_space_after_the_dollar_sign():
    assert str(parse_money("$ 1,234.50")) == "1234.50"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$ -", Decimal("0.00")),
        ("$  -  ", Decimal("0.00")),
        ("$ 1,234.00", Decimal("1234.00")),
    ],
)
def test_excel_money_shapes(text, amount):
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["$ (12.00)", "1234.00-", "-$12.00", "(12.00)"])
def test_negative_money_shapes(text):
    with pytest.raises(RowError) as caught:
        parse_money(text)
    assert caught.value.rule == "money.negative"


@pytest.mark.parametrize(
    ("text", "amount"), [("1.234,56", "1234.56"), ("12,34", "12.34"), ("0,5", "0.50")]
)
def test_decimal_comma(text, amount):
    assert money_text(text, separator=",") == amount


def test_decimal_comma_values_are_invalid_in_a_decimal_point_file():
    with pytest.raises(RowError):
        parse_money("12,34")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T14:30:00Z", date(2024, 5, 1)),
        ("2024-05-01T23:30:00-05:00", date(2024, 5, 1)),
        ("2024-05-01 00:00:00", date(2024, 5, 1)),
        ("5/1/2024 0:00", date(2024, 5, 1)),
        ("05/01/2024 02:30 PM", date(2024, 5, 1)),
        ("20240501", date(2024, 5, 1)),
    ],
)
def test_dates_with_a_time_part(text, expected):
    assert parse_date(text) == expected


def test_day_first_order_and_evidence():
    assert parse_date("03/05/2026", "DMY") == date(2026, 5, 3)
    assert parse_date("03/05/2026") == date(2026, 3, 5)
    assert parse_date("2026-03-05", "DMY") == date(2026, 3, 5)  # ISO has one order
    assert date_order_evidence("13/05/2026") == "DMY"
    assert date_order_evidence("05/13/2026") == "MDY"
    assert date_order_evidence("05/06/2026") is None
    assert date_order_evidence("2026-05-13") is None


@pytest.mark.parametrize(
    "text", ["N/A", "n/a", "#N/A", "-", "--", "null", "NULL", "none", "(blank)"]
)
def test_placeholders(text):
    assert is_placeholder(text) and not is_placeholder("CO-45")


def test_excel_float_cpt_and_lost_leading_zeros():
    assert parse_cpt("99213.0") == ("99213", None)
    assert lost_leading_zeros("100") and lost_leading_zeros("100.0")
    assert not lost_leading_zeros("99213") and not lost_leading_zeros("A0428")


@pytest.mark.parametrize(
    "text", ["Self Pay", "self-pay", "PATIENT", "No Insurance", "NO_INSURANCE"]
)
def test_self_pay(text):
    assert is_self_pay(text) and not is_self_pay("Aetna")
