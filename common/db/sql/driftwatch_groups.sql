-- DriftWatch: per (payer, cpt_group) and window, the decision-days histogram of PAID + DENIED
-- lines with denials and dollars, plus each group's window totals (repeated on every row),
-- from claim_rollups_groups. Windows are half-open on decided_date: baseline
-- [baseline_start, current_start), current [current_start, current_end). Only groups with
-- >= min_claims in BOTH windows. n_service counts lines whose lag runs from service_date.
WITH hist AS (
    SELECT payer,
           cpt_group,
           day >= :current_start AS is_current,
           lag_days AS days,
           sum(n) AS n,
           sum(n_denied) AS denied,
           sum(charge) AS dollars,
           sum(n_lag_service) AS n_service
    FROM claim_rollups_groups
    WHERE customer_id = :customer_id
      AND day >= :baseline_start
      AND day < :current_end
    GROUP BY 1, 2, 3, 4
),
totals AS (
    SELECT payer,
           cpt_group,
           sum(n) FILTER (WHERE NOT is_current) AS n_baseline,
           sum(denied) FILTER (WHERE NOT is_current) AS denied_baseline,
           sum(n) FILTER (WHERE is_current) AS n_current,
           sum(denied) FILTER (WHERE is_current) AS denied_current,
           sum(dollars) FILTER (WHERE is_current) AS dollars_current,
           sum(n_service) AS n_service
    FROM hist
    GROUP BY 1, 2
    HAVING sum(n) FILTER (WHERE NOT is_current) >= :min_claims
       AND sum(n) FILTER (WHERE is_current) >= :min_claims
)
SELECT t.payer,
       t.cpt_group,
       t.n_baseline::int AS n_baseline,
       t.denied_baseline::int AS denied_baseline,
       t.n_current::int AS n_current,
       t.denied_current::int AS denied_current,
       t.dollars_current::numeric(14, 2) AS dollars_current,
       t.n_service::int AS n_service,
       h.is_current,
       h.days,
       h.n::int AS n
FROM totals t
JOIN hist h USING (payer, cpt_group)
WHERE h.n <> 0
ORDER BY t.payer, t.cpt_group, h.is_current, h.days
