-- payment_aging, step 2: per payer with its horizon N (days), PAID lines decided in the current
-- cohort [as_of - N - current_days, as_of - N) and the baseline cohort of baseline_days before
-- it, and how many of each were still unpaid N days after the decision (no payment date, or one
-- more than N days later). Every line in either cohort was decided at least N days before
-- as_of, so none is judged before it had its N days (right-censoring).
WITH horizons AS (
    SELECT unnest(CAST(:payers AS text[])) AS payer,
           unnest(CAST(:horizons AS integer[])) AS horizon
), cohorts AS (
    SELECT a.payer, a.n, a.cash,
           a.day >= CAST(:as_of AS date) - h.horizon - CAST(:current_days AS integer) AS is_current,
           a.pay_lag = -1 OR a.pay_lag > h.horizon AS late
    FROM claim_rollups_aging a
    JOIN horizons h USING (payer)
    WHERE a.customer_id = :customer_id
      AND a.day >= CAST(:as_of AS date) - h.horizon - CAST(:current_days AS integer) - CAST(:baseline_days AS integer)
      AND a.day < CAST(:as_of AS date) - h.horizon
)
SELECT payer,
       coalesce(sum(n) FILTER (WHERE NOT is_current), 0)::int AS n_baseline,
       coalesce(sum(n) FILTER (WHERE NOT is_current AND late), 0)::int AS late_baseline,
       coalesce(sum(n) FILTER (WHERE is_current), 0)::int AS n_current,
       coalesce(sum(n) FILTER (WHERE is_current AND late), 0)::int AS late_current,
       coalesce(sum(cash) FILTER (WHERE is_current AND late), 0)::float8 AS cash_late_current
FROM cohorts
GROUP BY payer
ORDER BY payer
