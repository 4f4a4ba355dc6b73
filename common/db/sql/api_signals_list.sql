-- A page of one product's episodes, newest first; keyset on (created_at, id). `status`: open
-- (not ended), closed, or all.
SELECT id, product, type, payer, key, direction, as_of, window_start, window_end,
       baseline_start, baseline_end, baseline_value, current_value, delta, n_baseline,
       n_current, p_value, severity, severity_label, confidence, dollars_at_risk, summary,
       details, created_at, first_seen_as_of, last_seen_as_of, times_seen, ended_as_of
FROM signals
WHERE customer_id = CAST(:customer_id AS uuid)
  AND product = :product
  AND (CAST(:status AS text) = 'all'
       OR (CAST(:status AS text) = 'open') = (ended_as_of IS NULL))
  AND (CAST(:payer AS text) IS NULL OR lower(payer) = lower(CAST(:payer AS text)))
  AND (CAST(:type AS text) IS NULL OR type = CAST(:type AS text))
  AND (CAST(:severity AS text) IS NULL OR severity_label = CAST(:severity AS text))
  AND (CAST(:since AS date) IS NULL OR created_at >= CAST(:since AS date))
  AND (CAST(:after_at AS timestamptz) IS NULL
       OR (created_at, id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid)))
ORDER BY created_at DESC, id DESC
LIMIT :limit
