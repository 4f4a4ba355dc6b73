-- One signal of one product.
SELECT id, product, type, payer, key, direction, as_of, window_start, window_end,
       baseline_start, baseline_end, baseline_value, current_value, delta, n_baseline,
       n_current, p_value, severity, severity_label, confidence, dollars_at_risk, summary,
       details, created_at
FROM signals
WHERE customer_id = CAST(:customer_id AS uuid)
  AND product = :product
  AND id = CAST(:signal_id AS uuid)
