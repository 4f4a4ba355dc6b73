"""`upstream x12 validate` (issue 14 item 5): pyx12's verdict with segment numbers, and never
a value from the file — element findings are reported by position and code only."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.cli import main
from common.services.x12_validation import validate_835

pytest.importorskip("pyx12", reason="the x12 extra (pyx12) is not installed")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"


def test_envelope_faults_are_found_with_their_segments():
    result = validate_835(FIXTURES / "envelope_broken.835")
    assert result["valid"] is False
    codes = {(e["segment"], e["code"]) for e in result["errors"]}
    assert (14, "4") in codes  # the SE count, at the SE segment
    assert any("Interchange Control Trailer" in e["message"] for e in result["errors"])


def test_an_invalid_element_is_named_by_position_not_by_value(tmp_path):
    text = (FIXTURES / "remittance_full.835").read_text()
    bad = text.replace("DTM*405*20261118", "DTM*405*20261318")
    bad = bad.replace("NM1*QC*1*DOE*JANE", "NM1*QC*1*" + "DOEVERYLONGSURNAME" * 5 + "*JANE")
    (tmp_path / "bad.835").write_text(bad)
    result = validate_835(tmp_path / "bad.835")
    date_error = next(e for e in result["errors"] if e.get("element") == "DTM02")
    assert (date_error["segment"], date_error["code"]) == (6, "8")
    assert date_error["message"] == "invalid date"
    shown = repr(result)
    assert "20261318" not in shown and "DOEVERYLONG" not in shown and "JANE" not in shown


def test_the_command_exits_1_on_findings_and_2_without_a_file(tmp_path, capsys):
    assert main(["x12", "validate", str(FIXTURES / "envelope_broken.835")]) == 1
    assert "does not follow the 835 guide" in capsys.readouterr().out
    assert main(["x12", "validate", str(tmp_path / "missing.835")]) == 2
