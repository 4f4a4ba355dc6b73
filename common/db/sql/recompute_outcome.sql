-- What a recompute produced for one tenant since a time: signals per product, alerts by status.
SELECT 'signal' AS kind, product AS label, count(*) AS n
FROM signals
WHERE customer_id = :customer_id AND created_at >= :since
GROUP BY product
UNION ALL
SELECT 'alert', status, count(*)
FROM alerts
WHERE customer_id = :customer_id AND created_at >= :since
GROUP BY status
