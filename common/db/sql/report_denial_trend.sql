-- Weekly denial rate per payer on decided_date, weeks from the trend start, [start, end).
SELECT payer,
       CAST(:trend_start AS date) + 7 * ((day - CAST(:trend_start AS date)) / 7) AS week_start,
       sum(n_paid + n_denied)::int AS decided,
       sum(n_denied)::int AS denied
FROM claim_rollups
WHERE customer_id = :customer_id
  AND payer = ANY(CAST(:payers AS text[]))
  AND day >= CAST(:trend_start AS date) AND day < CAST(:trend_end AS date)
GROUP BY payer, week_start
HAVING sum(n_paid + n_denied) > 0
ORDER BY payer, week_start
