-- One alert with its full signal and every judgment (newest first).
SELECT a.id, a.status, a.suppressed_reason, a.rule_id, r.name AS rule_name, a.created_at,
       a.updated_at,
       (to_jsonb(s) - 'customer_id' - 'fingerprint') AS signal,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'id', j.id, 'verdict', j.verdict, 'reason_codes', j.reason_codes,
                  'notes', j.notes, 'recovered_amount', j.recovered_amount,
                  'recovered_date', j.recovered_date, 'user_id', j.user_id,
                  'created_at', j.created_at)
                ORDER BY j.created_at DESC, j.id DESC)
         FROM operator_judgments j
         WHERE j.customer_id = a.customer_id AND j.alert_id = a.id
       ), '[]'::json) AS judgments
FROM alerts a
JOIN signals s ON s.id = a.signal_id AND s.customer_id = a.customer_id
LEFT JOIN alert_rules r ON r.id = a.rule_id AND r.customer_id = a.customer_id
WHERE a.customer_id = CAST(:customer_id AS uuid)
  AND a.id = CAST(:alert_id AS uuid)
