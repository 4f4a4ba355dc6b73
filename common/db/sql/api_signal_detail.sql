-- One episode of one product, with its observations oldest first.
SELECT s.id, s.product, s.type, s.payer, s.key, s.direction, s.as_of, s.window_start,
       s.window_end, s.baseline_start, s.baseline_end, s.baseline_value, s.current_value,
       s.delta, s.n_baseline, s.n_current, s.p_value, s.severity, s.severity_label,
       s.confidence, s.dollars_at_risk, s.summary, s.details, s.created_at,
       s.first_seen_as_of, s.last_seen_as_of, s.times_seen, s.ended_as_of,
       COALESCE((
           SELECT json_agg(json_build_object(
                      'as_of', o.as_of, 'window_start', o.window_start,
                      'window_end', o.window_end, 'baseline_value', o.baseline_value,
                      'current_value', o.current_value, 'delta', o.delta,
                      'n_baseline', o.n_baseline, 'n_current', o.n_current,
                      'p_value', o.p_value, 'severity', o.severity,
                      'severity_label', o.severity_label, 'confidence', o.confidence,
                      'dollars_at_risk', o.dollars_at_risk)
                  ORDER BY o.as_of)
           FROM signal_observations o
           WHERE o.signal_id = s.id AND o.customer_id = s.customer_id
       ), '[]'::json) AS observations
FROM signals s
WHERE s.customer_id = CAST(:customer_id AS uuid)
  AND s.product = :product
  AND s.id = CAST(:signal_id AS uuid)
