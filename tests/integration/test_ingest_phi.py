"""PHI is rejected by row, column and rule, and never stored, logged or echoed."""

import json
import logging

import pytest
from sqlalchemy import text

from common.commands.ingest import ingest_file
from common.services.customers import create_customer
from tests.ingest_helpers import csv_bytes

PHI = {
    "phi.ssn": "123-45-6789",
    "phi.phone": "(555) 867-5309",
    "phi.email": "jane.doe@example.com",
    "phi.mrn": "MRN 88812345",
    "phi.person_name": "Robert Johnson",
}
HEADER = "claim_id,payer,cpt,submitted_date,decided_date,outcome,denial_reason_text"


def _rows():
    base = "{cid},{payer},99213,2026-01-05,2026-01-20,denied,{text}"
    return [
        base.format(cid="123-45-6789", payer="Aetna", text="x"),
        base.format(cid="P2", payer="Aetna", text="call (555) 867-5309"),
        base.format(cid="P3", payer="Aetna", text="mail jane.doe@example.com"),
        base.format(cid="P4", payer="Aetna", text="patient MRN 88812345 denied"),
        base.format(cid="P5", payer="Robert Johnson", text="x"),
        base.format(cid="P6", payer="Aetna", text="Not medically necessary"),
    ]


def _dump_database(owner) -> str:
    with owner.connect() as conn:
        tables = (
            conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            .scalars()
            .all()
        )
        return "\n".join(str(conn.execute(text(f"SELECT * FROM {t}")).all()) for t in tables)


def test_phi_rows_rejected_and_never_kept(app, owner, tmp_path, caplog, capsys):
    create_customer(app.uow, "acme")
    path = tmp_path / "phi.csv"
    path.write_bytes(csv_bytes(*_rows(), header=HEADER))
    with caplog.at_level(logging.DEBUG):
        report = ingest_file(app, path, "acme")
    assert report["rejections"] == {rule: 1 for rule in PHI}
    assert report["rows_accepted"] == 1
    assert report["rejection_samples"]["phi.ssn"] == [1]
    assert report["rejection_samples"]["phi.person_name"] == [5]
    everything = "\n".join(
        [json.dumps(report, default=str), _dump_database(owner), caplog.text, *capsys.readouterr()]
    )
    for value in (*PHI.values(), "88812345", "867-5309", "jane.doe", "Robert Johnson"):
        assert value not in everything


@pytest.mark.parametrize(
    "column",
    [
        "Patient Name",
        "Member SSN",
        "DOB",
        "Patient Phone",
        "Email",
        "MRN",
        "Subscriber Name",
        "Address",
    ],
)
def test_phi_named_columns_are_dropped(app, owner, tmp_path, column):
    create_customer(app.uow, "acme")
    path = tmp_path / "cols.csv"
    path.write_bytes(
        csv_bytes(
            "C1,Aetna,99213,2026-01-05,2026-01-20,paid,SECRET-VALUE-1",
            header="claim_id,payer,cpt,submitted_date,decided_date,outcome," + column,
        )
    )
    report = ingest_file(app, path, "acme")
    assert report["status"] == "loaded"
    assert report["columns"]["dropped_phi"] == [column]
    assert "SECRET-VALUE-1" not in _dump_database(owner)


def test_database_errors_never_carry_statement_parameters(app):
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as caught, app.engine.connect() as conn:
        conn.execute(text("SELECT 1 / 0 WHERE :value IS NOT NULL"), {"value": "123-45-6789"})
    assert "123-45-6789" not in str(caught.value)
    assert "hidden" in str(caught.value)
