-- A tenant's alerts, newest first, with their signal, rule and webhook delivery outcome.
SELECT a.id, a.status, a.suppressed_reason, a.created_at, a.updated_at,
       r.id AS rule_id, r.name AS rule,
       s.id AS signal_id, s.product, s.type, s.payer, s.key, s.direction,
       s.severity, s.severity_label, s.dollars_at_risk, s.summary,
       count(d.id) AS deliveries,
       count(d.id) FILTER (WHERE d.status = 'delivered') AS delivered,
       count(d.id) FILTER (WHERE d.status = 'pending') AS pending,
       count(d.id) FILTER (WHERE d.status = 'failed') AS failed,
       coalesce(sum(d.attempts), 0) AS attempts
FROM alerts a
JOIN signals s ON s.id = a.signal_id
JOIN alert_rules r ON r.id = a.rule_id
LEFT JOIN webhook_deliveries d ON d.alert_id = a.id
WHERE a.customer_id = :customer_id
GROUP BY a.id, r.id, s.id
ORDER BY a.created_at DESC, a.id
LIMIT :limit
