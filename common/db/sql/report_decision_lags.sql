-- Per payer, days from submission (else service date) to decision of PAID + DENIED lines
-- decided in [trend_start, trend_end): the mean and standard deviation, for the denial-rate
-- trend's run-in when the data starts on a submission date (services/reports/trends.py).
SELECT payer,
       sum(n)::int AS n,
       sum(n * lag_days)::float8 / sum(n) AS lag_mean,
       CASE WHEN sum(n) > 1
            THEN sqrt(greatest((sum(n * lag_days::float8 * lag_days)
                                - sum(n * lag_days)::float8 ^ 2 / sum(n)) / (sum(n) - 1), 0))
            ELSE 0 END AS lag_sd
FROM claim_rollups_groups
WHERE customer_id = :customer_id
  AND payer = ANY(CAST(:payers AS text[]))
  AND day >= CAST(:trend_start AS date) AND day < CAST(:trend_end AS date)
GROUP BY payer
HAVING sum(n) > 0
