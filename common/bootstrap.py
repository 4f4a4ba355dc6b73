"""The one place that builds concrete adapters from Settings. Nothing is built at import."""

from __future__ import annotations

import threading
from functools import cached_property

from common.config import Settings, load_settings
from common.db.uow import UnitOfWork
from common.logs import configure_logging


class Container:
    """Adapters and services for one process, each built on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        configure_logging(settings.log_level)

    @cached_property
    def engine(self):
        """The application engine (app role: row-level security applies)."""
        from common.db.engine import build_engine

        return build_engine(self.settings)

    @cached_property
    def uow(self) -> UnitOfWork:
        """Transactions, optionally scoped to a tenant."""
        return UnitOfWork(self.engine)

    @cached_property
    def inbox(self):
        """The inbox bucket."""
        if self.settings.is_local:
            from common.storage.local import LocalFolderStore

            return LocalFolderStore(self.settings.bucket_dir)
        from common.storage.gcs import GcsStore

        return GcsStore(self.settings.inbox_bucket, self.settings.gcp_project)

    @cached_property
    def reports_store(self):
        """The reports bucket."""
        if self.settings.is_local:
            from common.storage.local import LocalFolderStore

            return LocalFolderStore(self.settings.reports_dir)
        from common.storage.gcs import GcsStore

        return GcsStore(self.settings.reports_bucket, self.settings.gcp_project)

    @cached_property
    def function_apps(self):
        """Local only: the deployed functions loaded in-process."""
        from common.local.functions import FunctionApps

        return FunctionApps()

    @cached_property
    def bus(self):
        """The Publisher port: the in-process bus locally, Pub/Sub in the cloud."""
        if self.settings.is_local:
            from common.bus.local import LocalBus

            return LocalBus(
                self.uow,
                self.function_apps.deliver,
                max_attempts=self.settings.bus_max_attempts,
                backoff_seconds=self.settings.bus_backoff_seconds,
            )
        from common.bus.pubsub import PubSubPublisher

        return PubSubPublisher(self.settings.gcp_project)

    @cached_property
    def dead_letters(self):
        """On-call's dead-letter store for this backend."""
        if self.settings.is_local:
            from common.bus.local_dlq import LocalDeadLetters

            return LocalDeadLetters(self.uow, self.bus)
        from common.bus.pubsub_dlq import PubSubDeadLetters

        return PubSubDeadLetters(self.settings.gcp_project)

    @cached_property
    def relay(self):
        """Publishes committed outbox rows."""
        from common.bus.outbox import OutboxRelay

        return OutboxRelay(self.uow, self.bus)

    @cached_property
    def secret_box(self):
        """Encrypts webhook secrets at rest; locally the key lives in $UPSTREAM_HOME/secret.key."""
        from common.services.alerts.secrets import SecretBox, load_or_create_key

        key = self.settings.secret_encryption_key
        if key is None:
            if not self.settings.is_local:
                raise RuntimeError("SECRET_ENCRYPTION_KEY is required outside local mode")
            key = load_or_create_key(self.settings.home / "secret.key")
        return SecretBox(key)

    @cached_property
    def email_sender(self):
        """The e-mail port: a logging sender (no e-mail provider is configured yet)."""
        from common.services.alerts.email import LogEmailSender

        return LogEmailSender()

    @cached_property
    def alerts(self):
        """Alert dispatch and webhook delivery."""
        from common.services.alerts.dispatch import AlertService

        return AlertService(
            self.uow,
            self.secret_box,
            self.email_sender,
            self.settings.thresholds,
            local_mode=self.settings.is_local,
        )

    @cached_property
    def tokens(self):
        """JWT issue/verify with the configured key ring (locally: a key file under home)."""
        from common.web.auth import TokenCodec, load_key_ring

        return TokenCodec(
            load_key_ring(self.settings, allow_key_file=self.settings.is_local),
            self.settings.jwt_issuer,
            self.settings.jwt_audience,
        )

    @property
    def webhook_local_mode(self) -> bool:
        """The webhook URL policy's mode: http to loopback allowed locally, never in the cloud."""
        return self.settings.is_local

    @property
    def serves_locally(self) -> bool:
        """Whether `upstream serve` (the local stack) can run on this backend."""
        return self.settings.is_local

    @property
    def reports_location(self) -> str:
        """Where written reports are, for a person: the folder, or the bucket."""
        if self.settings.is_local:
            return str(self.settings.reports_dir)
        return str(self.settings.reports_bucket)

    @cached_property
    def redeliver_to_subscription(self):
        """How a recorded bad message goes back to the consumer that recorded it."""
        if self.settings.is_local:
            from common.bus.local_dlq import enqueue_on

            return enqueue_on(self.bus)
        from common.bus.pubsub_dlq import publish_to_topic

        return publish_to_topic(self.bus)

    def ingestor(self, progress=None):
        """The ingest use case wired to this backend."""
        from common.services.ingest.ingestor import Ingestor

        return Ingestor(
            self.uow,
            self.inbox,
            self.settings.thresholds,
            batch_rows=self.settings.ingest_batch_rows,
            after_commit=self.relay.flush,
            progress=progress,
        )

    def migrate(self, revision: str = "heads") -> None:
        """Apply migrations with the owner engine."""
        from common.db.migrate import upgrade

        upgrade(self.settings, revision)


_container: Container | None = None
_lock = threading.Lock()


def container() -> Container:
    """The process's container, built on first call from the environment."""
    global _container
    with _lock:
        if _container is None:
            _container = Container(load_settings())
        return _container


def use_container(new: Container | None) -> None:
    """Install a container for this process (the CLI and tests pick their settings)."""
    global _container
    with _lock:
        _container = new
