"""Throttles kept in Postgres so every instance shares them.

Failed logins: 5 per 15 minutes per account and per client IP (SPEC §6), in `auth_throttle`.
Tenant actions (recompute: 10 per hour) in `rate_events`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, text

from common.db.locks import hold_until_commit
from common.db.queries import sql
from common.db.schema import auth_throttle, rate_events


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `window_seconds`."""

    count: int
    window_seconds: int


LOGIN_FAILURES = Limit(5, 15 * 60)
RECOMPUTE_REQUESTS = Limit(10, 60 * 60)


def login_keys(email: str, client_ip: str) -> list[str]:
    """Throttle keys for one attempt: the account (hashed: no e-mails at rest) and the IP."""
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    return [f"acct:{account}", f"ip:{client_ip}"]


def lock_keys(conn: Connection, keys: list[str]) -> None:
    """Serialize concurrent attempts on the same keys until the transaction ends."""
    for key in sorted(keys):  # a fixed order: no deadlocks between two keys
        hold_until_commit(conn, key)


def login_retry_after(conn: Connection, keys: list[str], limit: Limit = LOGIN_FAILURES) -> int:
    """Seconds the caller must wait (0 when no key is over its limit)."""
    rows = conn.execute(
        sql("api_throttle_retry_after"),
        {"keys": keys, "limit": limit.count, "window_seconds": limit.window_seconds},
    ).all()
    return max((r.retry_after for r in rows), default=0)


def record_login_failure(conn: Connection, keys: list[str], limit: Limit = LOGIN_FAILURES) -> None:
    """Count one failure against every key, dropping that key's expired rows."""
    for key in keys:
        conn.execute(
            delete(auth_throttle).where(
                auth_throttle.c.throttle_key == key,
                auth_throttle.c.failed_at
                < func.now() - text(f"interval '{int(limit.window_seconds)} seconds'"),
            )
        )
        conn.execute(insert(auth_throttle).values(throttle_key=key, failed_at=func.now()))


def clear_login_failures(conn: Connection, key: str) -> None:
    """A successful login resets the account's counter (never the IP's)."""
    conn.execute(delete(auth_throttle).where(auth_throttle.c.throttle_key == key))


def take_rate_slot(
    conn: Connection, customer_id: str, action: str, limit: Limit
) -> tuple[int, int]:
    """(remaining after this one, 0) when allowed and recorded; (0, retry_after) when not."""
    lock_keys(conn, [f"rate:{customer_id}:{action}"])
    row = conn.execute(
        sql("api_rate_retry_after"),
        {"customer_id": customer_id, "action": action, "window_seconds": limit.window_seconds},
    ).one()
    if row.used >= limit.count:
        return 0, row.retry_after
    conn.execute(insert(rate_events).values(customer_id=customer_id, action=action, at=func.now()))
    return limit.count - row.used - 1, 0
