"""E-mail channel: a pluggable sender port and the logging sender used locally."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertEmail:
    """One alert notification. `summary` is the signal's aggregate sentence, never claim rows."""

    to: tuple[str, ...]
    alert_id: str
    subject: str
    summary: str


class EmailSender(Protocol):
    """Sends alert e-mail; raises on a failure worth retrying."""

    def send(self, email: AlertEmail) -> None:
        """Send one message to every recipient in `email.to`."""
        ...


class LogEmailSender:
    """Writes a log line instead of sending (local default); keeps recent messages for tests."""

    def __init__(self, keep: int = 1000) -> None:
        self.sent: deque[AlertEmail] = deque(maxlen=keep)

    def send(self, email: AlertEmail) -> None:
        """Log recipients, alert id and summary."""
        self.sent.append(email)
        log.info(
            "alert e-mail",
            extra={
                "recipients": ",".join(email.to),
                "alert_id": email.alert_id,
                "subject": email.subject,
                "summary": email.summary,
            },
        )
