-- Weekly average days to payment per payer, weeks from trend_start, [trend_start, trend_end),
-- on DelayGuard's date basis (SPEC 3.3): a payer whose PAID lines in the span carry a payment
-- date on >= payment_basis_share of them is measured to the payment date and cohorted on it
-- (claim_rollups_payments); otherwise every PAID line is measured to, and cohorted on, its
-- decided date (claim_rollups). Mixing the two per line makes recent payments that are not
-- posted yet look fast (the chart then dips at its newest weeks).
-- lag_mean / lag_sd: the payer's days to payment over the whole span, for the chart's run-in
-- after the data starts (trends.cohort_lead_days). Lags run from submitted_date, else
-- service_date.
WITH daily AS (
    SELECT payer, true AS on_payment, day, n,
           lag_days::float8 AS days, lag_days_sq::float8 AS days_sq, 0 AS n_undated
    FROM claim_rollups_payments
    WHERE customer_id = :customer_id
      AND payer = ANY(CAST(:payers AS text[]))
      AND day >= CAST(:trend_start AS date) AND day < CAST(:trend_end AS date)
      AND n <> 0
    UNION ALL
    SELECT payer, false AS on_payment, day, n_paid,
           paid_lag_days::float8, paid_lag_days_sq::float8, n_paid_undated
    FROM claim_rollups
    WHERE customer_id = :customer_id
      AND payer = ANY(CAST(:payers AS text[]))
      AND day >= CAST(:trend_start AS date) AND day < CAST(:trend_end AS date)
      AND n_paid <> 0
),
basis AS (
    SELECT payer,
           coalesce(
               (sum(n) FILTER (WHERE on_payment))::float8
                   / nullif(coalesce(sum(n) FILTER (WHERE on_payment), 0)
                            + coalesce(sum(n_undated) FILTER (WHERE NOT on_payment), 0), 0),
               0) >= :payment_basis_share AS by_payment
    FROM daily
    GROUP BY payer
),
weeks AS (
    SELECT d.payer, b.by_payment,
           CAST(:trend_start AS date) + 7 * ((d.day - CAST(:trend_start AS date)) / 7)
               AS week_start,
           sum(d.n) AS n, sum(d.days) AS days, sum(d.days_sq) AS days_sq
    FROM daily d
    JOIN basis b ON b.payer = d.payer AND d.on_payment = b.by_payment
    GROUP BY d.payer, b.by_payment, 3
    HAVING sum(d.n) > 0
)
SELECT payer, by_payment, week_start,
       n::int AS paid,
       days / n AS avg_days,
       sum(days) OVER w / sum(n) OVER w AS lag_mean,
       CASE WHEN sum(n) OVER w > 1
            THEN sqrt(greatest((sum(days_sq) OVER w - (sum(days) OVER w) ^ 2 / sum(n) OVER w)
                               / (sum(n) OVER w - 1), 0))
            ELSE 0 END AS lag_sd
FROM weeks
WINDOW w AS (PARTITION BY payer)
ORDER BY payer, week_start
