-- The week's episodes: every episode seen in the period (open or since closed), by dollars at
-- risk, with its latest values.
SELECT id, product, type, payer, key, direction, as_of, window_start, window_end,
       baseline_value, current_value, delta, n_baseline, n_current, p_value,
       severity, severity_label, confidence, dollars_at_risk, summary,
       first_seen_as_of, last_seen_as_of, times_seen, ended_as_of
FROM signals
WHERE customer_id = :customer_id
  AND last_seen_as_of > CAST(:period_start AS date)
  AND first_seen_as_of <= CAST(:period_end AS date)
ORDER BY dollars_at_risk DESC NULLS LAST, severity DESC, payer, key
LIMIT :limit
