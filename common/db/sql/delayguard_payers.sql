-- DelayGuard: days to payment of PAID claims per payer, for the baseline and current windows
-- (kind = 'window', bucket 0 = baseline, 1 = current) and for each week of the trend span
-- (kind = 'week', bucket 0 = oldest). Half-open windows on the cohort date.
-- Date basis per payer: when >= payment_basis_share of its PAID claims in the windows carry a
-- payment_date, only those count (cohort and days on payment_date); otherwise every PAID claim
-- counts on decided_date. Mixing the two per claim would make recent, not-yet-posted payments
-- look fast and hide real slowdowns.
-- Per-day sums for both bases come from the rollups (claim_rollups_payments on payment_date,
-- claim_rollups' PAID columns on decided_date); windows and weeks are summed from the days,
-- variance from the sums of squares. scan_start = the earlier of baseline and trend start.
-- Lags run from submitted_date, else service_date.
WITH daily AS (
    SELECT payer,
           true AS on_payment,
           day,
           n,
           lag_days::float8 AS days,
           lag_days_sq::float8 AS days_sq,
           cash AS dollars,
           0 AS n_undated
    FROM claim_rollups_payments
    WHERE customer_id = :customer_id
      AND day >= :scan_start
      AND day < :current_end
      AND n <> 0
    UNION ALL
    SELECT payer,
           false AS on_payment,
           day,
           n_paid AS n,
           paid_lag_days::float8 AS days,
           paid_lag_days_sq::float8 AS days_sq,
           paid_cash AS dollars,
           n_paid_undated AS n_undated
    FROM claim_rollups
    WHERE customer_id = :customer_id
      AND day >= :scan_start
      AND day < :current_end
      AND n_paid <> 0
),
basis AS (
    SELECT payer,
           (sum(n) FILTER (WHERE on_payment))::float8
               / nullif(coalesce(sum(n) FILTER (WHERE on_payment), 0)
                        + coalesce(sum(n_undated) FILTER (WHERE NOT on_payment), 0), 0)
               AS completeness
    FROM daily
    WHERE day >= :baseline_start
    GROUP BY payer
),
chosen AS (
    SELECT d.payer, d.day, d.n, d.days, d.days_sq, d.dollars,
           coalesce(b.completeness, 0) AS completeness,
           coalesce(b.completeness, 0) >= :payment_basis_share AS by_payment
    FROM daily d
    JOIN basis b USING (payer)
    WHERE d.on_payment = (coalesce(b.completeness, 0) >= :payment_basis_share)
),
buckets AS (
    SELECT payer, completeness, by_payment, 'window' AS kind,
           (day >= :current_start)::int AS bucket, n, days, days_sq, dollars
    FROM chosen
    WHERE day >= :baseline_start
    UNION ALL
    SELECT payer, completeness, by_payment, 'week' AS kind,
           (day - CAST(:trend_start AS date)) / 7 AS bucket, n, days, days_sq, dollars
    FROM chosen
    WHERE day >= :trend_start
)
SELECT payer, completeness, by_payment, kind, bucket,
       sum(n)::int AS n,
       sum(days) / sum(n) AS mean_days,
       CASE WHEN sum(n) > 1
            THEN greatest((sum(days_sq) - sum(days) ^ 2 / sum(n)) / (sum(n) - 1), 0)
            ELSE 0 END AS var_days,
       coalesce(sum(dollars), 0)::numeric(14, 2) AS dollars
FROM buckets
GROUP BY payer, completeness, by_payment, kind, bucket
ORDER BY payer, kind, bucket
