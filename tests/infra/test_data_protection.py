"""Cloud SQL keeps backups with PITR and refuses deletion; no bucket can become public."""

from __future__ import annotations

from tests.infra.tfparse import MODULES, Expr, all_module_dirs, block, blocks, load_module

DATABASE = load_module(MODULES / "database")
SQL = DATABASE.resource("google_sql_database_instance", "this")
SETTINGS = block(SQL, "settings")


def test_postgres_18_with_deletion_protection_everywhere():
    assert SQL["database_version"] == "POSTGRES_18"
    assert SQL["deletion_protection"] is True
    assert SETTINGS["deletion_protection_enabled"] is True


def test_automated_backups_with_point_in_time_recovery():
    backup = block(SETTINGS, "backup_configuration")
    assert backup["enabled"] is True
    assert backup["point_in_time_recovery_enabled"] is True
    assert backup["transaction_log_retention_days"] == Expr("var.pitr_retention_days")
    retention = block(backup, "backup_retention_settings")
    assert retention["retained_backups"] == Expr("var.backup_retention_count")
    assert DATABASE.variables["backup_retention_count"]["default"] >= 7
    assert DATABASE.variables["pitr_retention_days"]["default"] >= 1


def test_private_ip_iam_auth_and_tls():
    ip = block(SETTINGS, "ip_configuration")
    assert ip["ipv4_enabled"] is False
    assert ip["private_network"] == Expr("var.network_id")
    assert ip["ssl_mode"] in ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
    flags = {f["name"]: f["value"] for f in blocks(SETTINGS, "database_flags")}
    assert flags["cloudsql.iam_authentication"] == "on"
    assert flags["log_min_duration_statement"] == "-1", "statement text may carry PHI"
    assert flags.get("pgaudit.log_parameter", "off") == "off"


def test_maintenance_window_and_insights():
    assert block(SETTINGS, "maintenance_window")["update_track"] == "stable"
    insights = block(SETTINGS, "insights_config")
    assert insights["query_insights_enabled"] is True
    assert insights["record_client_address"] is False


def test_migration_job_runs_the_migrate_command():
    job = DATABASE.resource("google_cloud_run_v2_job", "migrate")
    container = block(block(block(job, "template"), "template"), "containers")
    assert container["command"] == ["python"]
    assert container["args"] == ["-m", "common.cli", "migrate"]


def _buckets():
    for tf_dir in all_module_dirs():
        for name, body in load_module(tf_dir).of_type("google_storage_bucket").items():
            yield f"{tf_dir.name}.{name}", body


def test_every_bucket_is_private_uniform_and_versioned():
    buckets = dict(_buckets())
    assert {"storage.inbox", "storage.reports", "storage.source"} <= set(buckets)
    for name, body in buckets.items():
        assert body["uniform_bucket_level_access"] is True, name
        assert body["public_access_prevention"] == "enforced", name
        assert block(body, "versioning")["enabled"] is True, name
        assert body.get("force_destroy", False) is False, name


def test_no_acl_resources_or_public_bucket_grants():
    for tf_dir in all_module_dirs():
        module = load_module(tf_dir)
        for (rtype, name), body in module.resources.items():
            assert rtype not in (
                "google_storage_bucket_acl",
                "google_storage_default_object_acl",
                "google_storage_object_acl",
            ), f"{tf_dir.name}.{name}"
            if rtype.startswith("google_storage_bucket_iam"):
                text = str(body.get("member", "")) + str(body.get("members", ""))
                assert "allUsers" not in text and "allAuthenticatedUsers" not in text


def test_inbox_expires_the_quarantine_prefix():
    storage = load_module(MODULES / "storage")
    inbox = storage.resource("google_storage_bucket", "inbox")
    prefixes = [
        block(rule, "condition").get("matches_prefix") for rule in blocks(inbox, "lifecycle_rule")
    ]
    assert [Expr("var.quarantine_prefix")] in prefixes
    assert storage.variables["quarantine_prefix"]["default"] == "quarantine/"
