-- Weekly average days to payment per payer (payment date, else decided date, minus
-- submitted date) for paid claims, cohorted on that same date; [start, end).
WITH paid AS (
    SELECT payer, submitted_date, coalesce(payment_date, decided_date) AS paid_on
    FROM claims
    WHERE customer_id = :customer_id
      AND payer = ANY(CAST(:payers AS text[]))
      AND outcome = 'PAID'
      AND coalesce(payment_date, decided_date) >= CAST(:trend_start AS date)
      AND coalesce(payment_date, decided_date) < CAST(:trend_end AS date)
)
SELECT payer,
       CAST(:trend_start AS date) + 7 * ((paid_on - CAST(:trend_start AS date)) / 7) AS week_start,
       count(*) AS paid,
       avg(paid_on - submitted_date)::float AS avg_days
FROM paid
GROUP BY payer, week_start
ORDER BY payer, week_start
