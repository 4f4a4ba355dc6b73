"""Per-file date order and decimal separator (SPEC 2.3): decided by evidence, never per value."""

from common.domain.file_choices import FileChoices, decide, mixed_date_orders


def evidence(day=(), month=()):
    return {"DMY": list(day), "MDY": list(month)}


def test_day_first_evidence_alone_makes_the_file_day_first():
    assert decide(evidence(day=[3]), {}) == FileChoices("DMY", ".")


def test_month_first_evidence_wins_over_the_customer_setting():
    assert decide(evidence(month=[1]), {}, "DMY") == FileChoices("MDY", ".")


def test_no_evidence_month_first_unless_the_customer_says_dmy():
    assert decide(evidence(), {}) == FileChoices("MDY", ".")
    assert decide(evidence(), {}, "DMY") == FileChoices("DMY", ".")


def test_both_orders_are_mixed():
    assert mixed_date_orders(evidence(day=[1], month=[2]))
    assert not mixed_date_orders(evidence(day=[1]))


def test_decimal_comma_only_without_point_evidence():
    assert decide(evidence(), {",": 3}).decimal_separator == ","
    assert decide(evidence(), {",": 3, ".": 1}).decimal_separator == "."
    assert decide(evidence(), {}).decimal_separator == "."
