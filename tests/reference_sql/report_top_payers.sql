-- Payers with the most decided claims in the trend window (the report charts these).
SELECT payer, count(*) AS claims
FROM claims
WHERE customer_id = :customer_id
  AND decided_date >= CAST(:trend_start AS date) AND decided_date < CAST(:trend_end AS date)
  AND outcome IN ('PAID', 'DENIED')
GROUP BY payer
ORDER BY count(*) DESC, payer
LIMIT :limit
