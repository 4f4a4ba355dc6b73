-- Weekly average days to payment per payer (payment date, else decided date, minus the lag
-- start) for paid lines, cohorted on that same date; [start, end). Lines with a payment date
-- come from claim_rollups_payments, the rest from claim_rollups' undated PAID columns.
WITH paid AS (
    SELECT payer, day, n, lag_days
    FROM claim_rollups_payments
    WHERE customer_id = :customer_id
      AND payer = ANY(CAST(:payers AS text[]))
      AND day >= CAST(:trend_start AS date) AND day < CAST(:trend_end AS date)
    UNION ALL
    SELECT payer, day, n_paid_undated, paid_undated_lag_days
    FROM claim_rollups
    WHERE customer_id = :customer_id
      AND payer = ANY(CAST(:payers AS text[]))
      AND day >= CAST(:trend_start AS date) AND day < CAST(:trend_end AS date)
)
SELECT payer,
       CAST(:trend_start AS date) + 7 * ((day - CAST(:trend_start AS date)) / 7) AS week_start,
       sum(n)::int AS paid,
       (sum(lag_days)::float8 / sum(n)) AS avg_days
FROM paid
GROUP BY payer, week_start
HAVING sum(n) > 0
ORDER BY payer, week_start
