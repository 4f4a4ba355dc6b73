-- Record the watermark the rollup now reflects.
INSERT INTO claim_rollup_state (customer_id, watermark, refreshed_at)
VALUES (CAST(:customer_id AS uuid), :watermark, now())
ON CONFLICT (customer_id) DO UPDATE
SET watermark = EXCLUDED.watermark, refreshed_at = EXCLUDED.refreshed_at
