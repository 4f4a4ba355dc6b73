-- DelayGuard: days to payment of PAID claims per payer, for the baseline and current windows
-- (kind = 'window', bucket 0 = baseline, 1 = current) and for each week of the trend span
-- (kind = 'week', bucket 0 = oldest). Half-open windows on the cohort date.
-- Date basis per payer: when >= payment_basis_share of its PAID claims in the windows carry a
-- payment_date, only those count (cohort and days on payment_date); otherwise every PAID claim
-- counts on decided_date. Mixing the two per claim would make recent, not-yet-posted payments
-- look fast and hide real slowdowns.
-- Two range scans (payment_date and decided_date, each served by its own covering index)
-- give per-day sums for both bases; windows and weeks are summed from the days, variance from
-- the sums of squares. scan_start = the earlier of baseline and trend start.
WITH daily AS (
    SELECT payer,
           true AS on_payment,
           payment_date AS day,
           count(*) AS n,
           sum(payment_date - submitted_date)::float8 AS days,
           sum((payment_date - submitted_date)::bigint * (payment_date - submitted_date))::float8
               AS days_sq,
           sum(coalesce(paid_amount, allowed_amount, 0)) AS dollars,
           0 AS n_undated
    FROM claims
    WHERE customer_id = :customer_id
      AND outcome = 'PAID'
      AND payment_date >= :scan_start
      AND payment_date < :current_end
    GROUP BY payer, payment_date
    UNION ALL
    SELECT payer,
           false AS on_payment,
           decided_date AS day,
           count(*) AS n,
           sum(decided_date - submitted_date)::float8 AS days,
           sum((decided_date - submitted_date)::bigint * (decided_date - submitted_date))::float8
               AS days_sq,
           sum(coalesce(paid_amount, allowed_amount, 0)) AS dollars,
           count(*) FILTER (WHERE payment_date IS NULL) AS n_undated
    FROM claims
    WHERE customer_id = :customer_id
      AND outcome = 'PAID'
      AND decided_date >= :scan_start
      AND decided_date < :current_end
    GROUP BY payer, decided_date
),
days AS (
    SELECT * FROM daily
),
basis AS (
    SELECT payer,
           (sum(n) FILTER (WHERE on_payment))::float8
               / nullif(coalesce(sum(n) FILTER (WHERE on_payment), 0)
                        + coalesce(sum(n_undated) FILTER (WHERE NOT on_payment), 0), 0)
               AS completeness
    FROM days
    WHERE day >= :baseline_start
    GROUP BY payer
),
chosen AS (
    SELECT d.payer, d.day, d.n, d.days, d.days_sq, d.dollars,
           coalesce(b.completeness, 0) AS completeness,
           coalesce(b.completeness, 0) >= :payment_basis_share AS by_payment
    FROM days d
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
