"""`/v1/column-mappings` (SPEC 2.2, §6): CRUD, 409 on a taken header, 422 naming the valid
fields, another tenant's id is 404, and only admins write."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from common.domain.columns import ALIASES, normalise_header
from common.services.customers import column_mapping_map
from tests import api_helpers
from tests.api_helpers import call

world, w = api_helpers.world, api_helpers.w  # fixtures
PATH = "/v1/column-mappings"


def _as(w, role, method, path, body=None, tenant="a"):
    return call(w.client, method, path, getattr(w, tenant).tokens[role], body)


def _map(w, tenant="a") -> dict[str, str]:
    customer_id = getattr(w, tenant).customer_id
    with w.app.uow.transaction(customer_id) as conn:
        return column_mapping_map(conn, customer_id)


def _actions(w, row_id) -> list[str]:
    with w.owner.connect() as conn:
        return list(
            conn.execute(
                text("SELECT action FROM audit_events WHERE target_id = :t ORDER BY id"),
                {"t": str(row_id)},
            ).scalars()
        )


def test_create_list_get_patch_delete_and_the_audit_trail(w):
    created = _as(w, "admin", "POST", PATH, {"header": "  Clm Sts Cod ", "field": "outcome"})
    assert created.status_code == 201, created.json
    row = created.json
    assert (row["header"], row["field"]) == ("Clm Sts Cod", "outcome")
    assert set(row) == {"id", "header", "field", "created_at"}
    assert _map(w)[normalise_header("Clm Sts Cod")] == "outcome"

    listed = _as(w, "viewer", "GET", PATH).json["items"]
    assert row["id"] in {i["id"] for i in listed}
    assert _as(w, "viewer", "GET", f"{PATH}/{row['id']}").json == row

    patched = _as(w, "admin", "PATCH", f"{PATH}/{row['id']}", {"field": "payer"})
    assert patched.status_code == 200 and patched.json["field"] == "payer"
    renamed = _as(w, "admin", "PATCH", f"{PATH}/{row['id']}", {"header": "Remitter Nm"})
    assert renamed.json["header"] == "Remitter Nm"
    mapped = _map(w)
    assert mapped[normalise_header("Remitter Nm")] == "payer"
    assert normalise_header("Clm Sts Cod") not in mapped  # the key follows the header

    assert _as(w, "admin", "DELETE", f"{PATH}/{row['id']}").status_code == 204
    assert _as(w, "viewer", "GET", f"{PATH}/{row['id']}").status_code == 404
    assert _as(w, "admin", "DELETE", f"{PATH}/{row['id']}").status_code == 404
    assert normalise_header("Remitter Nm") not in _map(w)
    assert _actions(w, row["id"]) == [
        "column_mapping.created",
        "column_mapping.updated",
        "column_mapping.updated",
        "column_mapping.deleted",
    ]


def test_a_header_taken_in_another_spelling_is_409(w):
    # The seeded mapping is "Pyr Nm"; matching ignores case, spaces and `_`.
    dup = _as(w, "admin", "POST", PATH, {"header": " pyr_NM", "field": "payer"})
    assert dup.status_code == 409 and dup.json["error"]["code"] == "conflict"
    other = _as(w, "admin", "POST", PATH, {"header": "Chk Dt", "field": "payment_date"}).json
    clash = _as(w, "admin", "PATCH", f"{PATH}/{other['id']}", {"header": "PYR NM"})
    assert clash.status_code == 409
    assert _as(w, "admin", "GET", f"{PATH}/{other['id']}").json["header"] == "Chk Dt"
    # Another customer may map the same header.
    theirs = _as(w, "admin", "POST", PATH, {"header": "Chk Dt", "field": "payment_date"}, "b")
    assert theirs.status_code == 201


def test_an_unknown_field_is_422_naming_the_valid_fields(w):
    response = _as(w, "admin", "POST", PATH, {"header": "Whatever", "field": "patient_name"})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert "patient_name" in error["message"]
    assert all(field in error["message"] for field in ALIASES)
    assert error["details"] == {"valid_fields": list(ALIASES)}
    seeded = w.a.ids["column"]
    patched = _as(w, "admin", "PATCH", f"{PATH}/{seeded}", {"field": "Payer"})
    assert patched.status_code == 422 and "valid fields" in patched.json["error"]["message"]
    assert _as(w, "viewer", "GET", f"{PATH}/{seeded}").json["field"] == "payer"


@pytest.mark.parametrize(
    "body",
    [
        {"header": "   ", "field": "payer"},  # nothing left once trimmed
        {"header": "x" * 201, "field": "payer"},
        {"header": "Pyr\x00Nm", "field": "payer"},
        {"header": "Patient Name", "field": "payer"},  # PHI-named columns are never loaded
        {"header": "Member ID", "field": "claim_id"},
        {"field": "payer"},
        {"header": "Pyr", "field": "payer", "extra": 1},
    ],
)
def test_bad_headers_are_422(w, body):
    response = _as(w, "admin", "POST", PATH, body)
    assert response.status_code == 422, response.json
    assert "Traceback" not in str(response.json)


def test_another_tenants_mapping_is_404_and_untouched(w):
    theirs = w.b.ids["column"]
    for method, body in (("GET", None), ("PATCH", {"field": "cpt"}), ("DELETE", None)):
        response = _as(w, "owner", method, f"{PATH}/{theirs}", body)
        assert response.status_code == 404, (method, response.json)
        assert response.json["error"]["message"] == "column mapping not found"
    assert _as(w, "viewer", "GET", f"{PATH}/{theirs}", tenant="b").json["field"] == "payer"
    assert str(theirs) not in {i["id"] for i in _as(w, "owner", "GET", PATH).json["items"]}
    assert _map(w, "b")[normalise_header("Pyr Nm")] == "payer"


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_only_admins_write(w, role):
    seeded = w.a.ids["column"]
    writes = [
        ("POST", PATH, {"header": "Svc Cd", "field": "cpt"}),
        ("PATCH", f"{PATH}/{seeded}", {"field": "cpt"}),
        ("DELETE", f"{PATH}/{seeded}", None),
    ]
    for method, path, body in writes:
        response = _as(w, role, method, path, body)
        assert response.status_code == 403, (method, response.json)
        assert response.json["error"]["code"] == "forbidden"
    assert _as(w, role, "GET", f"{PATH}/{seeded}").json["field"] == "payer"
    assert normalise_header("Svc Cd") not in _map(w)


def test_lists_page_with_the_cursor(w):
    for n in range(3):
        body = {"header": f"Paging Col {n}", "field": "billed_amount"}
        assert _as(w, "admin", "POST", PATH, body).status_code == 201
    seen, cursor = [], None
    while True:
        page = _as(w, "viewer", "GET", PATH + "?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += [i["header"] for i in page.json["items"]]
        cursor = page.json["next_cursor"]
        if not cursor:
            break
    assert seen[0] == "Pyr Nm" and {f"Paging Col {n}" for n in range(3)} <= set(seen)
    assert len(seen) == len(set(seen))
