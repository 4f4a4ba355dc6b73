"""The `upstream` command end to end, as a person runs it (a real subprocess)."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from common.devtools.synth import SynthOptions, write_claims_csv

UPSTREAM = [sys.executable, "-m", "common.cli"]


def _run(args, env, stdin: str = "", timeout: int = 600):
    return subprocess.run(
        UPSTREAM + args,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.fixture
def cli_env(settings, clean_db):
    env = dict(os.environ)
    env.update(
        UPSTREAM_HOME=str(settings.home),
        DATABASE_URL=settings.database_url,
        BUS_BACKOFF_SECONDS="0.001",
    )
    return env


def test_demo_runs_end_to_end(cli_env):
    result = _run(["demo", "--rows", "4000", "--json"], cli_env)
    assert result.returncode == 0, result.stderr[-3000:]
    doc = json.loads(result.stdout)
    upload = doc["upload"]
    assert upload["status"] == "partial"  # the deliberate bad rows are rejected
    assert upload["rows_accepted"] >= 3900
    assert {"phi.ssn", "phi.person_name", "phi.phone"} <= set(upload["rejections"])


def test_ingest_json_contract_and_exit_codes(cli_env, tmp_path):
    assert _run(["customers", "create", "acme"], cli_env).returncode == 0
    assert _run(["customers", "create", "Bad Slug!"], cli_env).returncode == 2
    path = tmp_path / "claims.csv"
    write_claims_csv(path, SynthOptions(rows=500))
    result = _run(["ingest", str(path), "--customer", "acme", "--json"], cli_env)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    for key in (
        "upload_id",
        "status",
        "rows_total",
        "rows_accepted",
        "rows_rejected",
        "rows_warning",
        "rejections",
        "date_min",
        "date_max",
        "signals_created",
    ):
        assert key in report
    assert report["rows_total"] == 506 and report["rows_rejected"] == 6
    rejected = tmp_path / "bad.csv"
    rejected.write_text("payer\nAetna\n")
    result = _run(["ingest", str(rejected), "--customer", "acme", "--json"], cli_env)
    assert result.returncode == 2 and json.loads(result.stdout)["status"] == "rejected"


def test_users_create_reads_the_password_from_stdin(cli_env):
    _run(["customers", "create", "acme"], cli_env)
    ok = _run(
        [
            "users",
            "create",
            "--customer",
            "acme",
            "--email",
            "Ann@Example.com",
            "--role",
            "admin",
            "--json",
        ],
        cli_env,
        stdin="correct horse battery\n",
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["email"] == "ann@example.com"
    short = _run(
        ["users", "create", "--customer", "acme", "--email", "b@example.com", "--role", "viewer"],
        cli_env,
        stdin="short\n",
    )
    assert short.returncode == 2 and "12 characters" in short.stderr


@pytest.mark.slow
def test_a_200_mb_file_streams_with_flat_memory(cli_env, tmp_path):
    _run(["customers", "create", "big"], cli_env)
    path = tmp_path / "big.csv"
    write_claims_csv(path, SynthOptions(rows=2_400_000, days=365, bad_rows=False))
    assert path.stat().st_size > 200 * 2**20
    errors = tmp_path / "stderr.log"
    with open(errors, "w") as stderr:
        proc = subprocess.Popen(
            UPSTREAM + ["ingest", str(path), "--customer", "big", "--json"],
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        peak = _watch_peak_rss(proc.pid)
        out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, errors.read_text()[-3000:]
    assert json.loads(out)["rows_accepted"] == 2_400_000
    assert peak["rss"] < 300 * 2**20, f"peak RSS {peak['rss'] / 2**20:.0f} MiB"


def _watch_peak_rss(pid: int) -> dict:
    peak = {"rss": 0}
    process = psutil.Process(pid)

    def sample():
        while True:
            try:
                peak["rss"] = max(peak["rss"], process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    return peak
