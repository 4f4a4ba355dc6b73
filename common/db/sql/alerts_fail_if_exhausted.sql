-- An open alert whose every webhook delivery failed (and no channel succeeded) is failed.
UPDATE alerts a
SET status = 'failed', updated_at = :now
WHERE a.id = :alert_id
  AND a.status = 'open'
  AND NOT EXISTS (
      SELECT 1 FROM webhook_deliveries d WHERE d.alert_id = a.id AND d.status <> 'failed'
  )
