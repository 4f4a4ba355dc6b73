"""`upstream mappings columns list|set|delete --customer SLUG [--json]` on real Postgres."""

from __future__ import annotations

import json

from sqlalchemy import text

from common.cli import main
from common.domain.columns import ALIASES, normalise_header
from common.services.customers import column_mapping_map, create_customer


def _run(capsys, *argv):
    code = main(["mappings", "columns", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _map(app, customer_id):
    with app.uow.transaction(customer_id) as conn:
        return column_mapping_map(conn, customer_id)


def test_set_list_delete(app, owner, capsys):
    customer = create_customer(app.uow, "cols-co", "Cols Co")
    code, out, _ = _run(capsys, "set", " Pyr Nam ", "payer", "--customer", "cols-co", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["created"] is True
    assert (doc["header"], doc["field"]) == ("Pyr Nam", "payer")
    code, out, _ = _run(capsys, "set", "Clm Sts Cod", "outcome", "--customer", "cols-co")
    assert code == 0 and out.strip() == "mapped 'Clm Sts Cod' → outcome for cols-co"
    # The same header in another spelling changes the mapping instead of adding one.
    code, out, _ = _run(capsys, "set", "PYR_NAM", "claim_id", "--customer", "cols-co", "--json")
    again = json.loads(out)
    assert code == 0 and again["created"] is False and again["id"] == doc["id"]
    assert _map(app, customer.id) == {
        normalise_header("PYR_NAM"): "claim_id",
        normalise_header("Clm Sts Cod"): "outcome",
    }

    code, out, _ = _run(capsys, "list", "--customer", "cols-co", "--json")
    listed = json.loads(out)
    assert code == 0
    assert [(i["header"], i["field"]) for i in listed] == [
        ("PYR_NAM", "claim_id"),
        ("Clm Sts Cod", "outcome"),
    ]
    assert set(listed[0]) == {"id", "header", "field", "created_at"}
    code, out, _ = _run(capsys, "list", "--customer", "cols-co")
    assert (
        code == 0
        and "Clm Sts Cod" in out
        and out.splitlines()[0].split()
        == [
            "header",
            "field",
            "created_at",
        ]
    )

    code, out, _ = _run(capsys, "delete", "clm sts cod", "--customer", "cols-co", "--json")
    assert code == 0 and json.loads(out)["deleted"]["header"] == "Clm Sts Cod"
    assert _map(app, customer.id) == {normalise_header("PYR_NAM"): "claim_id"}
    code, out, err = _run(capsys, "delete", "Clm Sts Cod", "--customer", "cols-co")
    assert (code, out) == (2, "") and "no column mapping for 'Clm Sts Cod'" in err

    with owner.connect() as conn:
        actions = conn.execute(
            text("SELECT action, actor FROM audit_events WHERE target_type = 'column_mapping'")
        ).all()
    assert sorted(a for a, _ in actions) == [
        "column_mapping.created",
        "column_mapping.created",
        "column_mapping.deleted",
        "column_mapping.updated",
    ]
    assert {actor for _, actor in actions} == {"cli"}


def test_an_unknown_field_or_customer_is_bad_input(app, capsys):
    customer = create_customer(app.uow, "cols-bad", "Cols Bad")
    code, out, err = _run(capsys, "set", "Pyr Nam", "insurer", "--customer", "cols-bad")
    assert (code, out) == (2, "")
    assert "unknown field 'insurer'" in err and all(field in err for field in ALIASES)
    code, _, err = _run(capsys, "set", "Patient Name", "payer", "--customer", "cols-bad")
    assert code == 2 and "patient identifier" in err
    code, _, err = _run(capsys, "list", "--customer", "nobody-here")
    assert code == 2 and "no customer 'nobody-here'" in err
    assert _map(app, customer.id) == {}


def test_list_is_empty_and_per_customer(app, capsys):
    create_customer(app.uow, "cols-a", "A")
    create_customer(app.uow, "cols-b", "B")
    assert _run(capsys, "set", "Pyr Nam", "payer", "--customer", "cols-a")[0] == 0
    code, out, _ = _run(capsys, "list", "--customer", "cols-b", "--json")
    assert code == 0 and json.loads(out) == []
    assert _run(capsys, "list", "--customer", "cols-b")[1].strip() == "(none)"


def test_customers_date_order(app, capsys):
    create_customer(app.uow, "dmy-co", "DMY Co")
    assert main(["customers", "date-order", "dmy-co", "DMY", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"slug": "dmy-co", "date_order": "DMY"}
    with app.uow.transaction() as conn:
        settings = conn.execute(text("SELECT settings FROM customers WHERE slug = 'dmy-co'"))
        assert settings.scalar_one() == {"date_order": "DMY"}
    assert main(["customers", "date-order", "nobody", "DMY"]) == 2
