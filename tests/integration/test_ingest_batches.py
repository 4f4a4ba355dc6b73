"""Batched loading: the same result however a file is cut into batches (SPEC 2.5, 2.6),
and one customer's uploads load one at a time."""

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from common.bootstrap import Container
from common.commands.ingest import ingest_file
from common.db.locks import hold_until_commit, ingest_lock_key
from common.services.customers import create_customer
from tests.ingest_helpers import HEADER, claims_insert_fails_when, count, csv_bytes

# Every row is line 1 of its claim, so a repeated claim id repeats a line identity.
LINE_HEADER = "line_number," + HEADER
FIRST_UPLOAD = [
    "1,A1,Aetna,99213,2026-01-05,2026-01-20,denied,,150.00,100.00,0,CO-50,Not necessary",
    "1,A2,Aetna,99214,2026-01-06,2026-01-21,paid,2026-01-25,220.00,150.00,150.00,,",
    "1,A1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,151.00,100.00,100.00,,",
    "1,A9,Aetna,99213,not-a-date,2026-01-20,paid,2026-01-25,150.00,100.00,100.00,,",
    "1,A3,Cigna,99203,2026-01-07,,pending,,90.00,,,,",
    "1,A2,Aetna,99214,2026-01-06,2026-01-21,paid,2026-01-25,220.00,150.00,150.00,,",
    "1,A4,Cigna,99204,2026-01-08,2026-01-22,paid,2026-01-30,300.00,200.00,200.00,,",
]
RESEND = [
    "1,A1,Aetna,99213,2026-01-05,2026-02-20,paid,2026-02-25,150.00,100.00,100.00,,",
    "1,A2,Aetna,99214,2026-01-06,2026-01-21,paid,2026-01-25,220.00,150.00,150.00,,",
    "1,A5,Humana,99213,2026-02-01,2026-02-10,paid,2026-02-15,150.00,90.00,90.00,,",
    # A repeat of row 2 whose first occurrence left A2 unchanged: still a duplicate.
    "1,A2,Aetna,99214,2026-01-06,2026-01-21,denied,,220.00,150.00,0,CO-16,Missing info",
    "1,A5,Humana,99213,2026-02-01,2026-02-10,paid,2026-02-15,150.00,90.00,90.00,,",
    "1,A6,Humana,99214,2026-02-02,2026-02-11,denied,,220.00,130.00,0,CO-97,Bundled",
]
VOLATILE = ("upload_id", "object_name")


def _load_both(app, slug, tmp_path) -> tuple[dict, dict, dict]:
    customer = create_customer(app.uow, slug, slug)
    reports = []
    for name, rows in (("first.csv", FIRST_UPLOAD), ("resend.csv", RESEND)):
        path = tmp_path / f"{slug}-{name}"
        path.write_bytes(csv_bytes(*rows, header=LINE_HEADER))
        report = ingest_file(app, path, slug)
        reports.append({k: v for k, v in report.items() if k not in VOLATILE})
    return reports[0], reports[1], _tables(app, customer.id)


def _tables(app, customer_id) -> dict:
    queries = {
        "claims": "SELECT line_key, outcome, decided_date, paid_amount, denial_reason_code "
        "FROM claims ORDER BY line_key",
        "versions": "SELECT claim_id, outcome FROM claim_versions ORDER BY claim_id",
        "rejections": "SELECT u.object_name LIKE '%resend.csv', r.row_number, r.rule "
        "FROM upload_rejections r JOIN uploads u ON u.id = r.upload_id ORDER BY 1, 2, 3",
    }
    with app.uow.transaction(customer_id) as conn:
        return {name: conn.execute(text(sql)).all() for name, sql in queries.items()}


@pytest.mark.parametrize("batch_rows", [1, 2, 3])
def test_a_file_loads_the_same_in_any_batch_size(app, settings, tmp_path, batch_rows):
    whole = _load_both(app, "whole", tmp_path)
    batched_app = Container(dataclasses.replace(settings, ingest_batch_rows=batch_rows))
    try:
        batched = _load_both(batched_app, f"batched-{batch_rows}", tmp_path)
    finally:
        batched_app.engine.dispose()
    assert batched == whole


def test_what_the_batched_loads_agree_on(app, tmp_path):
    first, resend, tables = _load_both(app, "acme", tmp_path)
    assert first["rejection_samples"]["duplicate.row"] == [3, 6]
    assert (first["rows_accepted"], first["lines"]["new_lines"]) == (4, 4)
    assert resend["rejection_samples"] == {"duplicate.row": [4, 5]}
    assert resend["lines"] == {"new_lines": 2, "updated_lines": 1, "unchanged_lines": 1}
    outcomes = {key: outcome for key, outcome, *_ in tables["claims"]}
    assert outcomes == {
        "c:A1\x1fn1": "PAID",
        "c:A2\x1fn1": "PAID",  # the later denied repeat was rejected, not applied
        "c:A3\x1fn1": "OTHER",
        "c:A4\x1fn1": "PAID",
        "c:A5\x1fn1": "PAID",
        "c:A6\x1fn1": "DENIED",
    }
    assert tables["versions"] == [("A1", "DENIED")]


@pytest.fixture
def one_row_batches(settings):
    container = Container(dataclasses.replace(settings, ingest_batch_rows=1))
    yield container
    container.engine.dispose()


def test_a_crash_in_a_later_batch_leaves_nothing(one_row_batches, owner, tmp_path):
    app = one_row_batches
    create_customer(app.uow, "acme", "Acme")
    path = tmp_path / "claims.csv"
    path.write_bytes(csv_bytes(*FIRST_UPLOAD, header=LINE_HEADER))
    with (
        claims_insert_fails_when(owner, "EXISTS (SELECT 1 FROM claims)"),
        pytest.raises(Exception, match="injected crash"),
    ):
        ingest_file(app, path, "acme")
    assert count(owner, "claims") == 0
    with owner.connect() as conn:
        assert conn.execute(text("SELECT status FROM uploads")).scalar() == "failed"


def test_a_malformed_tail_undoes_the_batches_already_merged(one_row_batches, owner, tmp_path):
    app = one_row_batches
    create_customer(app.uow, "acme", "Acme")
    giant_field = '"' + "x" * 200_000 + '"'
    path = tmp_path / "claims.csv"
    path.write_bytes(csv_bytes(*FIRST_UPLOAD[:2], FIRST_UPLOAD[3], giant_field, header=LINE_HEADER))
    report = ingest_file(app, path, "acme")
    assert report["status"] == "rejected"
    assert report["rejections"] == {"file.malformed": 1}
    assert count(owner, "claims") == 0
    assert count(owner, "upload_rejections") == 0


def test_uploads_of_one_customer_load_one_at_a_time(app, owner, tmp_path):
    customer = create_customer(app.uow, "acme", "Acme")
    path = tmp_path / "claims.csv"
    path.write_bytes(csv_bytes(*FIRST_UPLOAD, header=LINE_HEADER))
    with owner.connect() as holder:
        hold_until_commit(holder, ingest_lock_key(customer.id))
        with ThreadPoolExecutor(1) as pool:
            loading = pool.submit(ingest_file, app, path, "acme")
            _wait_until_an_advisory_lock_is_awaited(owner, loading)
            assert count(owner, "claims") == 0
            holder.rollback()  # releases the lock; the upload goes on
            assert loading.result()["status"] == "partial"
    assert count(owner, "claims") == 4


def _wait_until_an_advisory_lock_is_awaited(owner, loading) -> None:
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    deadline = time.monotonic() + 60  # a guard against hanging, not a timing assertion
    while time.monotonic() < deadline and not loading.done():
        with owner.connect() as conn:
            if conn.execute(waiting).scalar_one():
                return
        time.sleep(0.01)
    pytest.fail("the upload did not wait for the customer's ingest lock")
