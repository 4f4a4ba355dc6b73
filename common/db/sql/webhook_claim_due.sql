-- Lease the tenant's due deliveries: pushing next_attempt_at past the request timeout keeps
-- a concurrent pass from sending the same delivery while this one is in flight.
WITH due AS (
    SELECT d.id
    FROM webhook_deliveries d
    WHERE d.status = 'pending' AND d.next_attempt_at <= :now
    ORDER BY d.next_attempt_at, d.id
    LIMIT :batch
    FOR UPDATE SKIP LOCKED
)
UPDATE webhook_deliveries d
SET next_attempt_at = :lease_until
FROM due, webhook_endpoints e
WHERE d.id = due.id AND e.id = d.endpoint_id
RETURNING d.id, d.alert_id, d.event_type, d.payload, d.attempts,
          e.url, e.secret_encrypted, e.active AS endpoint_active
