-- DriftWatch: per (payer, cpt_group) and window, the decision-days histogram of PAID + DENIED
-- claims with denials and dollars, plus each group's window totals (repeated on every row).
-- Windows are half-open on decided_date: baseline [baseline_start, current_start),
-- current [current_start, current_end). Only groups with >= min_claims in BOTH windows.
WITH hist AS (
    SELECT payer,
           cpt_group,
           decided_date >= :current_start AS is_current,
           decided_date - submitted_date AS days,
           count(*) AS n,
           count(*) FILTER (WHERE outcome = 'DENIED') AS denied,
           coalesce(sum(coalesce(billed_amount, allowed_amount)), 0) AS dollars
    FROM claims
    WHERE customer_id = :customer_id
      AND decided_date >= :baseline_start
      AND decided_date < :current_end
      AND outcome IN ('PAID', 'DENIED')
    GROUP BY 1, 2, 3, 4
),
totals AS (
    SELECT payer,
           cpt_group,
           sum(n) FILTER (WHERE NOT is_current) AS n_baseline,
           sum(denied) FILTER (WHERE NOT is_current) AS denied_baseline,
           sum(n) FILTER (WHERE is_current) AS n_current,
           sum(denied) FILTER (WHERE is_current) AS denied_current,
           sum(dollars) FILTER (WHERE is_current) AS dollars_current
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
       h.is_current,
       h.days,
       h.n::int AS n
FROM totals t
JOIN hist h USING (payer, cpt_group)
ORDER BY t.payer, t.cpt_group, h.is_current, h.days
