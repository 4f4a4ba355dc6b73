"""Whatever bytes arrive, ingestion answers with a report (SPEC 2.6): arbitrary bytes and
arbitrary CSV-shaped text give either a row-by-row report or a clear whole-file rejection —
never an exception, never a `failed` upload (that state is for our faults only)."""

from __future__ import annotations

import io
import itertools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.commands.ingest import ingest_file
from common.domain.claim_rows import RowValidator
from common.domain.columns import header_detector, map_header
from common.domain.csv_reader import CsvFormatError, inspect_bytes, open_csv_rows
from common.services.customers import create_customer
from tests.ingest_helpers import latest_upload

FILE_STATES = {"loaded", "partial", "rejected"}
HEADERS = [
    "claim_id", "Clm Nbr", "payer", "Pyr Nam", "cpt", "CPT Code", "submitted_date", "DOS",
    "decided_date", "Remit Date", "outcome", "Clm Sts Cod", "Bill Amt", "Pd Amt", "Reason Cd",
    "Pat Name", "notes", "",
]  # fmt: skip
CELLS = st.one_of(
    st.sampled_from(
        [
            "Aetna",
            "99213",
            "99213.0",
            "100",
            "2026-05-01",
            "13/05/2026",
            "05/13/2026",
            "2026-05-01T00:00:00Z",
            "paid",
            "4",
            "22",
            "$ -",
            "N/A",
            "1.234,56",
            "(12.00)",
            "1234.00-",
            "Self-Pay",
            "Grand Total",
            "John Hancock",
            "123-45-6789",
            "",
            " ",
        ]
    ),  # fmt: skip
    st.text(max_size=12),
)
DELIMITERS = st.sampled_from([",", ";", "\t"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252", "latin-1"])
_slugs = itertools.count()


@st.composite
def csv_shaped(draw) -> bytes:
    """A header drawn from real spellings, title lines, ragged rows of plausible and random
    cells, a delimiter, line endings and an encoding (cells the encoding cannot hold dropped)."""
    delimiter = draw(DELIMITERS)
    width = draw(st.integers(1, 9))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=width, max_size=width))
    titles = draw(
        st.lists(st.sampled_from(["Report", "Generated on 05/01/2026", "sep=;"]), max_size=2)
    )
    rows = draw(st.lists(st.lists(CELLS, max_size=width + 2), max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [*titles, delimiter.join(header)]
    for row in rows:
        lines.append(delimiter.join(_quoted(cell, delimiter) for cell in row))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(ENCODINGS)
    data = text.encode(encoding, errors="ignore")
    return (b"\xfe\xff" + data) if encoding == "utf-16-be" else data


def _quoted(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _read_everything(body: bytes) -> None:
    facts = inspect_bytes([body])
    source = open_csv_rows(io.BytesIO(body), facts.utf8_ok, header_detector())
    header = map_header(source.header)
    validator = RowValidator(header, date.today(), {}, {})
    try:
        for number, values in source:
            validator.validate(number, values)
    except CsvFormatError as exc:
        assert exc.rule in ("file.malformed", "file.encoding")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(body=st.one_of(st.binary(max_size=400), csv_shaped()))
def test_the_reader_and_validator_never_raise_on_any_input(body):
    _read_everything(body)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(st.binary(max_size=300), csv_shaped()))
def test_any_file_gets_a_report_and_never_a_failed_upload(app, owner, tmp_path, body):
    slug = f"fuzz{next(_slugs)}"
    create_customer(app.uow, slug)
    path = tmp_path / f"{slug}.csv"
    path.write_bytes(body)
    report = ingest_file(app, path, slug)
    assert report["status"] in FILE_STATES, report
    assert latest_upload(owner)["status"] == report["status"]
    if report["status"] == "rejected" and report["rows_accepted"] == 0 and "message" in report:
        assert report["message"]  # a whole-file rejection says why
    assert report["rows_total"] == (
        report["rows_accepted"] + report["rows_rejected"] + report["rows_skipped"]
    )
