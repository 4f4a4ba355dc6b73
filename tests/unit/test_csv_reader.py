"""Streaming CSV reading (SPEC 2.1–2.2): encodings, delimiters, line endings, numbering."""

import hashlib
import io

import pytest

from common.domain.csv_reader import (
    CsvFormatError,
    inspect_bytes,
    open_csv_rows,
    sniff_delimiter,
)


def read(body: bytes):
    """Inspect in tiny chunks (to cross multi-byte boundaries), then open the rows."""
    facts = inspect_bytes(body[i : i + 3] for i in range(0, len(body), 3))
    source = open_csv_rows(io.BytesIO(body), facts.utf8_ok)
    return facts, source, list(source)


def test_inspect_bytes_hashes_sizes_and_checks_utf8():
    body = "payer\nSociété\n".encode()
    facts = inspect_bytes([body[:9], body[9:]])  # split inside "é"
    assert facts.sha256 == hashlib.sha256(body).hexdigest()
    assert facts.size == len(body)
    assert facts.utf8_ok is True and facts.has_bom is False


def test_inspect_bytes_flags_bad_utf8_and_bom():
    assert inspect_bytes(["Société".encode("cp1252")]).utf8_ok is False
    assert inspect_bytes([b"abc\xc3"]).utf8_ok is False  # truncated sequence at the end
    facts = inspect_bytes([b"\xef", b"\xbb", b"\xbfa,b\n"])
    assert facts.has_bom is True and facts.utf8_ok is True
    empty = inspect_bytes([])
    assert (empty.size, empty.utf8_ok, empty.has_bom) == (0, True, False)
    assert empty.sha256 == hashlib.sha256(b"").hexdigest()


def test_bom_crlf_and_semicolons():
    body = b'\xef\xbb\xbfPayer;CPT;Billed\r\nAetna;99213;"1,50"\r\nCigna;99214;2\r\n'
    facts, source, rows = read(body)
    assert facts.has_bom
    assert (source.encoding, source.delimiter) == ("utf-8", ";")
    assert source.header == ["Payer", "CPT", "Billed"]
    assert rows == [(1, ["Aetna", "99213", "1,50"]), (2, ["Cigna", "99214", "2"])]


def test_tab_delimiter():
    _, source, rows = read(b"payer\tcpt\tnote\nAetna\t99213\ta, b; c\n")
    assert source.delimiter == "\t"
    assert rows == [(1, ["Aetna", "99213", "a, b; c"])]


def test_cp1252_is_the_fallback_and_is_recorded():
    body = "payer,cpt\nSociété Générale Santé,99213\nMüller – “Plan”,99214\n".encode("cp1252")
    facts, source, rows = read(body)
    assert facts.utf8_ok is False
    assert source.encoding == "cp1252"
    assert rows == [(1, ["Société Générale Santé", "99213"]), (2, ["Müller – “Plan”", "99214"])]


def test_bom_on_a_file_that_is_not_utf8_is_dropped():
    _, source, rows = read(b"\xef\xbb\xbfpayer,cpt\nSoci\xe9t\xe9,99213\n")
    assert source.encoding == "cp1252"
    assert source.header == ["payer", "cpt"]
    assert rows == [(1, ["Société", "99213"])]


def test_bytes_cp1252_cannot_decode_fall_back_to_latin1():
    _, source, rows = read(b"payer,cpt\nX\x81Y,99213\n")
    assert source.encoding == "latin-1"
    assert rows == [(1, ["X\x81Y", "99213"])]


def test_a_late_undefined_cp1252_byte_does_not_fail_the_load():
    body = b"payer,cpt\n" + b"Soci\xe9t\xe9,99213\n" * 5000 + b"X\x81Y,99214\n"  # past the prefix
    _, source, rows = read(body)
    assert source.encoding == "cp1252"
    assert rows[0] == (1, ["Société", "99213"])
    assert rows[-1] == (5001, ["X\x81Y", "99214"])


def test_quoted_newlines_and_quotes():
    body = (
        b'payer,text,cpt\r\nAetna,"line one\r\nline two, still ""quoted""",99213\r\nCigna,x,1\r\n'
    )
    _, _, rows = read(body)
    assert rows == [
        (1, ["Aetna", 'line one\r\nline two, still "quoted"', "99213"]),
        (2, ["Cigna", "x", "1"]),
    ]


def test_empty_file_and_header_only():
    _, empty, rows = read(b"")
    assert (empty.header, rows, empty.delimiter) == ([], [], ",")
    _, header_only, rows = read(b"payer,cpt,status\r\n")
    assert (header_only.header, rows) == (["payer", "cpt", "status"], [])


def test_blank_lines_are_skipped_but_keep_their_row_number():
    body = b"\n\npayer,cpt\n\nAetna,99213\n,\nCigna,99214\n\n"
    _, source, rows = read(body)
    assert source.header == ["payer", "cpt"]
    assert rows == [(2, ["Aetna", "99213"]), (4, ["Cigna", "99214"])]


def test_ragged_rows_come_through_as_they_are():
    _, _, rows = read(b"a,b,c\n1\n1,2,3,4\n")
    assert rows == [(1, ["1"]), (2, ["1", "2", "3", "4"])]


def test_streams_a_file_larger_than_the_read_ahead():
    line = b"Aetna,99213,2026-01-05\n"
    body = b"payer,cpt,submitted\n" + line * 20_000  # ~460 KB, well past the 64 KiB prefix
    _, source, rows = read(body)
    assert len(rows) == 20_000
    assert rows[-1] == (20_000, ["Aetna", "99213", "2026-01-05"])
    assert source.delimiter == ","


def test_reading_does_not_close_the_callers_stream():
    stream = io.BytesIO(b"payer,cpt\nAetna,99213\n")
    source = open_csv_rows(stream, True)
    assert list(source) == [(1, ["Aetna", "99213"])]
    source.close()
    assert not stream.closed


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ('a;b;"c,d"\n"1,5";2;3\n', ";"),
        ("single\nvalue\n", ","),
        ("", ","),
    ],
)
def test_sniff_delimiter(sample, delimiter):
    assert sniff_delimiter(sample) == delimiter


def test_malformed_csv_is_a_format_error_without_values():
    body = b'payer,cpt\nAetna,"unterminated' + b"x" * 200_000 + b"\n"
    with pytest.raises(CsvFormatError) as caught:
        read(body)
    assert "xxx" not in str(caught.value) and "Aetna" not in str(caught.value)


def test_utf16_with_a_byte_order_mark_little_and_big_endian():
    text = "payer\tcpt\r\nSociété\t99213\r\n"
    for body, label in (
        (text.encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + text.encode("utf-16-be"), "utf-16-be"),
    ):
        facts, source, rows = read(body)
        assert facts.utf16 and not facts.stray_nul
        assert (source.encoding, source.delimiter, source.header) == (label, "\t", ["payer", "cpt"])
        assert rows == [(1, ["Société", "99213"])]


def test_nul_bytes_without_a_bom_are_flagged():
    facts = inspect_bytes(["payer,cpt\n".encode("utf-16-le")])
    assert facts.has_nul and facts.stray_nul


def test_header_found_under_title_lines_and_counted_as_preamble():
    body = (
        b"ERA Import Posting Report\r\nGenerated on 05/01/2026,\r\n\r\n"
        b"payer,cpt,status\r\nAetna,1,x\r\n"
    )
    facts = inspect_bytes([body])
    source = open_csv_rows(io.BytesIO(body), facts.utf8_ok, lambda row: "payer" in row)
    assert (source.header, source.preamble_lines) == (["payer", "cpt", "status"], 2)
    assert list(source) == [(1, ["Aetna", "1", "x"])]


def test_no_header_among_the_first_lines_reports_on_the_first():
    body = b"title\n" + b"a,b\n" * 30
    source = open_csv_rows(io.BytesIO(body), True, lambda row: False)
    assert (source.header, source.preamble_lines) == (["title"], 0)


def test_excel_sep_line_sets_the_delimiter():
    assert sniff_delimiter("sep=;\na,b;c\n1,2;3\n") == ";"


def test_delimiter_of_the_header_under_a_title_line():
    assert sniff_delimiter("Report; generated today\npayer,cpt,status,paid\nA,1,x,2\n") == ","


def test_garbled_header():
    from common.domain.csv_reader import header_is_garbled

    assert header_is_garbled(["pay\x00er", "cpt"]) and not header_is_garbled(["payer", "Société"])
