-- A page of alerts with their rule's name and a brief of their signal, newest first.
SELECT a.id, a.status, a.suppressed_reason, a.rule_id, r.name AS rule_name, a.created_at,
       a.updated_at,
       json_build_object(
         'id', s.id, 'product', s.product, 'type', s.type, 'payer', s.payer, 'key', s.key,
         'severity', s.severity, 'severity_label', s.severity_label,
         'dollars_at_risk', s.dollars_at_risk, 'summary', s.summary) AS signal
FROM alerts a
JOIN signals s ON s.id = a.signal_id AND s.customer_id = a.customer_id
LEFT JOIN alert_rules r ON r.id = a.rule_id AND r.customer_id = a.customer_id
WHERE a.customer_id = CAST(:customer_id AS uuid)
  AND (CAST(:status AS text) IS NULL OR a.status = CAST(:status AS text))
  AND (CAST(:product AS text) IS NULL OR s.product = CAST(:product AS text))
  AND (CAST(:since AS date) IS NULL OR a.created_at >= CAST(:since AS date))
  AND (CAST(:after_at AS timestamptz) IS NULL
       OR (a.created_at, a.id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid)))
ORDER BY a.created_at DESC, a.id DESC
LIMIT :limit
