-- The week's signals, latest per (product, type, payer, key), by dollars at risk.
SELECT *
FROM (
    SELECT DISTINCT ON (product, type, payer, key)
           id, product, type, payer, key, direction, as_of, window_start, window_end,
           baseline_value, current_value, delta, n_baseline, n_current, p_value,
           severity, severity_label, confidence, dollars_at_risk, summary
    FROM signals
    WHERE customer_id = :customer_id
      AND as_of > CAST(:period_start AS date) AND as_of <= CAST(:period_end AS date)
    ORDER BY product, type, payer, key, as_of DESC, created_at DESC
) latest
ORDER BY dollars_at_risk DESC NULLS LAST, severity DESC, payer, key
LIMIT :limit
