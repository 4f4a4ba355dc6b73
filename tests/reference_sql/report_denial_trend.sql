-- Weekly denial rate per payer on decided_date, weeks from the trend start, [start, end).
SELECT payer,
       CAST(:trend_start AS date) + 7 * ((decided_date - CAST(:trend_start AS date)) / 7)
           AS week_start,
       count(*) AS decided,
       count(*) FILTER (WHERE outcome = 'DENIED') AS denied
FROM claims
WHERE customer_id = :customer_id
  AND payer = ANY(CAST(:payers AS text[]))
  AND decided_date >= CAST(:trend_start AS date) AND decided_date < CAST(:trend_end AS date)
  AND outcome IN ('PAID', 'DENIED')
GROUP BY payer, week_start
ORDER BY payer, week_start
