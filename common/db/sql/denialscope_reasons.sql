-- DenialScope: per payer, lines / denials / denied dollars in the recent and baseline windows
-- (from claim_rollups), and per (payer, reason) denials and denied dollars (from
-- claim_rollups_reasons). Half-open on decided_date: baseline [baseline_start, current_start),
-- recent [current_start, current_end). Population PAID + DENIED; denied dollars are billed,
-- else allowed. Rows with reason IS NULL are the payer totals.
WITH payers AS (
    SELECT payer,
           NULL::text AS reason,
           sum(n_paid + n_denied) FILTER (WHERE day < :current_start) AS n_baseline,
           sum(n_paid + n_denied) FILTER (WHERE day >= :current_start) AS n_current,
           sum(n_denied) FILTER (WHERE day < :current_start) AS denied_baseline,
           sum(n_denied) FILTER (WHERE day >= :current_start) AS denied_current,
           sum(denied_charge) FILTER (WHERE day < :current_start) AS dollars_baseline,
           sum(denied_charge) FILTER (WHERE day >= :current_start) AS dollars_current
    FROM claim_rollups
    WHERE customer_id = :customer_id
      AND day >= :baseline_start
      AND day < :current_end
    GROUP BY payer
    HAVING sum(n_paid + n_denied) > 0
),
reasons AS (
    SELECT payer,
           reason,
           sum(n) FILTER (WHERE day < :current_start) AS n_baseline,
           sum(n) FILTER (WHERE day >= :current_start) AS n_current,
           sum(n) FILTER (WHERE day < :current_start) AS denied_baseline,
           sum(n) FILTER (WHERE day >= :current_start) AS denied_current,
           sum(charge) FILTER (WHERE day < :current_start) AS dollars_baseline,
           sum(charge) FILTER (WHERE day >= :current_start) AS dollars_current
    FROM claim_rollups_reasons
    WHERE customer_id = :customer_id
      AND day >= :baseline_start
      AND day < :current_end
    GROUP BY payer, reason
    HAVING sum(n) > 0
)
SELECT payer,
       reason,
       coalesce(n_baseline, 0)::int AS n_baseline,
       coalesce(n_current, 0)::int AS n_current,
       coalesce(denied_baseline, 0)::int AS denied_baseline,
       coalesce(denied_current, 0)::int AS denied_current,
       coalesce(dollars_baseline, 0)::numeric(14, 2) AS dollars_baseline,
       coalesce(dollars_current, 0)::numeric(14, 2) AS dollars_current
FROM (SELECT * FROM payers UNION ALL SELECT * FROM reasons) r
ORDER BY payer, reason NULLS FIRST
