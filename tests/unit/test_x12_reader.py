"""The 835 reader (SPEC 2.7) on hand-written files: separators, lines, outcomes, reversals,
PLB, envelopes, malformed files, CARC families, and no patient identifier in any output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from common.domain import rules
from common.domain.x12 import carc
from common.domain.x12.remittance import RemittanceReader
from common.domain.x12.tokens import X12Malformed, looks_like_x12, read_segments

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"
PHI = ("DOE", "JANE", "ROE", "RICHARD", "POE", "EDGAR", "MEMBER", "MRN778899")


def read(data: bytes):
    seps, segments = read_segments(io.BytesIO(data))
    reader = RemittanceReader(segments, seps)
    return list(reader), reader


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_claim(lines):
    out: dict[str, list] = {}
    for line in lines:
        out.setdefault(line.values[0], []).append(line)
    return out


def test_a_paid_claim_with_several_lines_and_contractual_adjustments():
    lines, reader = read(fixture("remittance_full.835"))
    claim = by_claim(lines)["PCN1001"]
    assert [ln.values[3] for ln in claim] == ["99213-25", "85025"]
    first = claim[0].values
    # claim_id, line, payer, cpt, service, submitted, decided, paid on, outcome, billed, allowed,
    # paid, reason, text
    assert first == [
        "PCN1001", "", "ACME HEALTH PLAN", "99213-25", "2026-11-01", "2026-11-05", "2026-11-18",
        "2026-11-20", "paid", "150", "120", "100", "", "",
    ]  # fmt: skip
    assert [ln.ref for ln in claim] == ["1", "2"]
    assert claim[0].adjustments == [("CO", "45", "30"), ("PR", "2", "20")]
    assert claim[1].adjustments == [("CO", "45", "50")]
    assert sum(float(ln.values[11]) for ln in claim) == 200.0  # CLP04
    assert reader.envelope.warnings == []


def test_a_denied_claim_and_a_partly_paid_line_with_patient_responsibility():
    claims = by_claim(read(fixture("remittance_full.835"))[0])
    denied = claims["PCN1002"][0]
    assert denied.values[8] == "denied" and denied.values[12] == "CO-50"
    assert denied.values[7] == ""  # nothing paid: no payment date
    assert denied.values[5] == ""  # no DTM*050: the service date stands in (lag basis)
    partial = claims["PCN1003"][0]
    assert partial.values[8] == "paid" and partial.values[11] == "130"
    assert partial.adjustments == [("PR", "1", "50"), ("PR", "2", "40"), ("CO", "45", "30")]


def test_the_remittance_balances_against_bpr02_and_keeps_plb_adjustments():
    _, reader = read(fixture("remittance_full.835"))
    (txn,) = reader.remittances
    assert (txn.payer, txn.trace_number, txn.payment_method) == (
        "ACME HEALTH PLAN",
        "EFT0001",
        "ACH",
    )
    assert (txn.claims, txn.lines, txn.claims_paid) == (3, 4, 330.0)
    plb = [(a.reason, a.reference, a.amount) for a in txn.provider_adjustments]
    assert plb == [("L6", "PCN1001", "-2.5"), ("WO", "PAYERICN0999", "20")]
    plb_total = sum(float(a.amount) for a in txn.provider_adjustments)
    assert float(txn.payment_amount) == pytest.approx(txn.claims_paid - plb_total)


def test_a_reversal_followed_by_its_readjudication_keeps_only_the_new_lines():
    lines, reader = read(fixture("reversal_pair.835"))
    claims = by_claim(lines)
    assert [ln.values[11] for ln in claims["PCN1001"]] == ["80", "100"]  # re-adjudication only
    assert [ln.values[8] for ln in claims["PCN1001"]] == ["paid", "paid"]
    (reversed_line,) = claims["PCN1003"]  # a reversal alone takes the payment back
    assert reversed_line.values[8] == "reversal"
    assert (reversed_line.values[9], reversed_line.values[11]) == ("250", "0.00")
    assert reversed_line.values[7] == ""
    assert reader.remittances[0].reversals_replaced == 1


def test_two_transactions_in_one_interchange_and_a_claim_level_line():
    lines, reader = read(fixture("two_transactions.835"))
    assert [t.payer for t in reader.remittances] == ["ACME HEALTH PLAN", "SUMMIT MUTUAL INSURANCE"]
    claims = by_claim(lines)
    assert claims["PCN2001"][0].values[2] == "ACME HEALTH PLAN"
    assert claims["PCN2002"][0].values[2] == "SUMMIT MUTUAL INSURANCE"
    (claim_level,) = claims["PCN2003"]  # no SVC: one line, no cpt
    assert claim_level.values[3] == "" and claim_level.values[8] == "denied"
    assert claim_level.values[12] == "CO-29" and claim_level.adjustments == [("CO", "29", "80")]
    assert reader.envelope.warnings == []


def test_segments_on_one_line_read_the_same_as_one_per_line():
    one_line, _ = read(fixture("one_line.835"))
    per_line, _ = read(fixture("remittance_full.835"))
    assert [ln.values for ln in one_line] == [ln.values for ln in per_line]
    assert [ln.segment for ln in one_line] == [ln.segment for ln in per_line]


def test_separators_come_from_isa():
    text = fixture("remittance_full.835").decode()
    # `|` elements, `>` components, a line break ends a segment, 004010's "U" in ISA11
    other = text.replace("*", "|").replace(":", ">").replace("|^|00501", "|U|00501")
    other = other.replace("~\n", "\n")
    lines, reader = read(other.encode())
    assert [ln.values[3] for ln in lines][:2] == ["99213-25", "85025"]
    assert reader.remittances[0].claims == 3


def test_a_missing_iea_and_a_wrong_se_count_are_warnings():
    lines, reader = read(fixture("envelope_broken.835"))
    assert len(lines) == 1
    messages = [m for _, m in reader.envelope.warnings]
    assert any(m.startswith("SE01 says '99'") for m in messages)
    assert "the interchange has no IEA trailer" in messages


def test_a_transaction_without_envelope_warns_and_reads():
    text = fixture("two_transactions.835").decode()
    bare = "\n".join(s for s in text.splitlines() if not s.startswith(("ISA", "GS", "GE", "IEA")))
    lines, reader = read(bare.encode())
    assert len(lines) == 3
    assert (1, "the file has no ISA interchange header") in reader.envelope.warnings


def test_a_claim_without_its_id_is_malformed_with_the_segment_number():
    with pytest.raises(X12Malformed) as caught:
        read(fixture("claim_without_id.835"))
    assert caught.value.rule == rules.X12_MALFORMED
    assert caught.value.segment == 6 and "segment 6" in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [b"claim_id,payer\n1,Aetna\n", b"ISA*00*short~", b"\x00\x01binary", b""],
    ids=["csv", "short-isa", "binary", "empty"],
)
def test_what_cannot_be_tokenised_is_malformed(data):
    with pytest.raises(X12Malformed):
        read(data)


def test_an_837_is_not_an_835():
    text = fixture("two_transactions.835").decode().replace("ST*835*0001", "ST*837*0001")
    with pytest.raises(X12Malformed, match="837"):
        read(text.encode())


def test_looks_like_x12():
    assert looks_like_x12(b"\xef\xbb\xbfISA*00*")
    assert looks_like_x12(b"ST*835*0001~")
    assert not looks_like_x12(b"Status,Payer\n")


def test_no_patient_identifier_leaves_the_reader():
    for name in ("remittance_full.835", "reversal_pair.835", "one_line.835"):
        lines, reader = read(fixture(name))
        assert any(w in fixture(name).decode() for w in PHI)  # the file does carry them
        outputs = repr([(ln.values, ln.ref, ln.adjustments) for ln in lines])
        outputs += repr(reader.remittances) + repr(reader.envelope.warnings)
        assert not [w for w in PHI if w in outputs]


def test_every_carc_has_one_known_family():
    codes = carc.code_list()
    assert all(str(n) in codes for n in range(1, 306))
    assert set(codes.values()) <= set(carc.FAMILIES)
    assert set(codes.values()) == set(carc.FAMILIES)  # every family is used
    assert carc.family("CO-50") == "medical_necessity"
    assert carc.family("45") == "contractual" and carc.family("b13") == "duplicate"
    assert carc.family("197") == "authorization" and carc.family("29") == "timely_filing"
    assert carc.family("ZZ9") == carc.UNKNOWN_FAMILY


def test_mutated_files_read_or_are_malformed_never_crash():
    # Bytes flipped, cut and spliced across the fixtures: the reader either yields lines of
    # the canonical width or says x12.malformed; any other exception would be a failed upload.
    import random

    files = [p.read_bytes() for p in sorted(FIXTURES.glob("*.835"))]
    rng = random.Random(1)  # nosec B311 - reproducible mutations, not security
    for _ in range(2_000):
        data = bytearray(rng.choice(files))
        for _ in range(rng.randint(1, 8)):
            at, kind = rng.randrange(len(data)), rng.random()
            if kind < 0.3:
                data[at] = rng.choice(b"*~:^|\n\r0123456789ABCZ-. \xff")
            elif kind < 0.6:
                del data[at : at + rng.randint(1, 30)]
            else:
                data[at:at] = rng.choice(files)[rng.randrange(200) :][: rng.randint(1, 60)]
        try:
            lines, _ = read(bytes(data))
        except X12Malformed:
            continue
        assert all(len(line.values) == 14 for line in lines)


def test_a_utf8_byte_order_mark_before_isa_is_read_past():
    with_bom, _ = read(b"\xef\xbb\xbf" + fixture("remittance_full.835"))
    plain, _ = read(fixture("remittance_full.835"))
    assert [ln.values for ln in with_bom] == [ln.values for ln in plain]
    assert looks_like_x12(b"\xef\xbb\xbf\r\nISA*00*")
