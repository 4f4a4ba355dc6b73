-- SPEC 2.6: uploads of the tenant in scope left `received`/`processing` since before the cutoff by
-- a load that stopped (process killed, connection lost) become `failed`. A live load holds its
-- upload row locked until it commits, so SKIP LOCKED leaves loads still running (or waiting
-- their turn behind another upload of the customer) alone.
UPDATE uploads u
SET status = 'failed', error = :message, completed_at = :now
WHERE u.id IN (
    SELECT s.id FROM uploads s
    WHERE s.status IN ('received', 'processing') AND s.received_at < :cutoff
    FOR UPDATE SKIP LOCKED
)
RETURNING u.id
