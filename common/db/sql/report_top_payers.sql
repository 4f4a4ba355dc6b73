-- Payers with the most decided lines in the trend window (the report charts these).
SELECT payer, sum(n_paid + n_denied)::int AS claims
FROM claim_rollups
WHERE customer_id = :customer_id
  AND day >= CAST(:trend_start AS date) AND day < CAST(:trend_end AS date)
GROUP BY payer
HAVING sum(n_paid + n_denied) > 0
ORDER BY sum(n_paid + n_denied) DESC, payer
LIMIT :limit
