"""`rows_skipped` on the uploads API: self-pay and totals rows are no payer decisions, and the
list and the detail say how many a file had (they were only in the report)."""

from __future__ import annotations

from common.commands.ingest import ingest_file
from tests import api_helpers
from tests.api_helpers import call
from tests.ingest_helpers import csv_bytes

world, w = api_helpers.world, api_helpers.w  # fixtures


def test_skipped_rows_are_on_the_list_and_the_detail(w, tmp_path):
    path = tmp_path / "with-skips.csv"
    path.write_bytes(
        csv_bytes(
            "S1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00,100.00,,",
            "S2,Self Pay,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,,150.00,,",
            "Total,,,,,,,300.00,,250.00,,",
        )
    )
    report = ingest_file(w.app, path, w.a.slug)
    assert (report["rows_accepted"], report["rows_skipped"]) == (1, 2), report
    token = w.a.tokens["viewer"]
    listed = call(w.client, "GET", "/v1/uploads", token).json["items"]
    mine = next(u for u in listed if u["id"] == report["upload_id"])
    assert mine["rows_skipped"] == 2
    detail = call(w.client, "GET", f"/v1/uploads/{report['upload_id']}", token).json
    assert detail["rows_skipped"] == 2
    seeded = next(u for u in listed if u["id"] == str(w.a.ids["upload"]))
    assert seeded["rows_skipped"] == 0  # a report without the count: none
