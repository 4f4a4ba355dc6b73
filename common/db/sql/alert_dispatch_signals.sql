-- The signals a SignalsRaised message names, oldest first so a later one meets the cooldown.
SELECT id, product, type, payer, key, direction, as_of, window_start, window_end,
       baseline_value, current_value, delta, n_baseline, n_current, p_value,
       severity, severity_label, confidence, dollars_at_risk, summary, created_at
FROM signals
WHERE customer_id = :customer_id AND id = ANY(CAST(:ids AS uuid[]))
ORDER BY created_at, id
