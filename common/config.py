"""Settings, read from the environment once. The local backend is the default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Thresholds:
    """Seed numbers from the system Upstream replaces; per-customer overridable (SPEC)."""

    max_file_bytes: int = 1 << 30
    money_max: float = 10_000_000.0
    anomaly_rowcount_z: float = 3.0
    anomaly_rowcount_min_uploads: int = 5
    anomaly_rowcount_days: int = 30
    anomaly_missing_share: float = 0.20
    anomaly_denial_share_points: float = 0.15
    anomaly_denial_mix_days: int = 90
    rejection_samples: int = 20
    # Alerts (SPEC 4): cooldown per (product, type, payer, key); noise verdicts suppress.
    alert_cooldown_hours: float = 4.0
    alert_noise_judgments: int = 2
    alert_noise_days: int = 30
    webhook_timeout_seconds: float = 10.0
    webhook_retry_minutes: tuple[int, ...] = (1, 2, 4, 8, 16)
    webhook_signature_tolerance_seconds: int = 300


@dataclass(frozen=True)
class Settings:
    """Process-wide configuration. Build with `load_settings()`; never read os.environ elsewhere."""

    backend: str = "local"  # local | cloud
    home: Path = field(default_factory=lambda: Path(".upstream"))
    database_url: str | None = None
    cloudsql_instance: str | None = None
    db_user: str | None = None
    db_name: str = "upstream"
    db_app_role: str = "upstream_app"
    gcp_project: str | None = None
    inbox_bucket: str = "upstream-inbox"
    reports_bucket: str = "upstream-reports"
    storage_emulator_host: str | None = None
    bus_max_attempts: int = 5
    bus_backoff_seconds: float = 0.05
    # Rows per ingest batch: Postgres merges one batch while Python validates the next.
    ingest_batch_rows: int = 100_000
    log_level: str = "INFO"
    jwt_keys: str | None = None  # "kid1:secret1,kid2:secret2"; first is the signing key
    jwt_issuer: str = "upstream"
    jwt_audience: str = "upstream-api"
    secret_encryption_key: str | None = None
    # Proxies in front of the api that append to X-Forwarded-For (Cloud Run/Functions: 1).
    # 0 trusts no header and uses the socket address (SPEC §6 login throttling per client IP).
    trusted_proxy_hops: int = 0
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def is_local(self) -> bool:
        """True when the embedded default backends are in use. Read only here and in the
        composition root (common/bootstrap.py); everything else asks what it needs to know."""
        return self.backend == "local"

    @property
    def auto_migrate(self) -> bool:
        """Whether a command migrates the database before it runs: the local default does;
        in the cloud, Cloud Build migrates before a release."""
        return self.is_local

    @property
    def bucket_dir(self) -> Path:
        """Folder that stands in for the inbox bucket locally."""
        return self.home / "bucket"

    @property
    def reports_dir(self) -> Path:
        """Folder that stands in for the reports bucket locally."""
        return self.home / "reports"


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from an environment mapping (os.environ by default)."""
    env = dict(os.environ if environ is None else environ)

    def get(name: str, default: str | None = None) -> str | None:
        value = env.get(name)
        return value if value not in (None, "") else default

    return Settings(
        backend=get("UPSTREAM_BACKEND", "local"),
        home=Path(get("UPSTREAM_HOME", ".upstream")).absolute(),
        database_url=get("DATABASE_URL"),
        cloudsql_instance=get("CLOUDSQL_INSTANCE"),
        db_user=get("DB_USER"),
        db_name=get("DB_NAME", "upstream"),
        db_app_role=get("DB_APP_ROLE", "upstream_app"),
        gcp_project=get("GOOGLE_CLOUD_PROJECT"),
        inbox_bucket=get("INBOX_BUCKET", "upstream-inbox"),
        reports_bucket=get("REPORTS_BUCKET", "upstream-reports"),
        storage_emulator_host=get("STORAGE_EMULATOR_HOST"),
        bus_max_attempts=int(get("BUS_MAX_ATTEMPTS", "5")),
        bus_backoff_seconds=float(get("BUS_BACKOFF_SECONDS", "0.05")),
        ingest_batch_rows=int(get("INGEST_BATCH_ROWS", "100000")),
        log_level=get("LOG_LEVEL", "INFO"),
        jwt_keys=get("JWT_KEYS"),
        jwt_issuer=get("JWT_ISSUER", "upstream"),
        jwt_audience=get("JWT_AUDIENCE", "upstream-api"),
        secret_encryption_key=get("SECRET_ENCRYPTION_KEY"),
        trusted_proxy_hops=int(get("TRUSTED_PROXY_HOPS", "0")),
    )


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return settings_from_env()
