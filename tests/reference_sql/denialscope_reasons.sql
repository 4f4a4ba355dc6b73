-- DenialScope: per payer, claims / denials / denied dollars in the recent and baseline windows,
-- and per (payer, reason) denials and denied dollars, in one pass over the claims.
-- Half-open on decided_date: baseline [baseline_start, current_start),
-- recent [current_start, current_end). Population PAID + DENIED; denied dollars are billed,
-- else allowed. Reason = denial_reason_code, else text, else UNSPECIFIED.
-- Rows with reason IS NULL are the payer totals.
WITH decided AS (
    SELECT payer,
           decided_date >= :current_start AS is_current,
           CASE WHEN outcome = 'DENIED' THEN
               coalesce(nullif(btrim(denial_reason_code), ''),
                        nullif(btrim(denial_reason_text), ''),
                        'UNSPECIFIED')
           END AS reason,
           CASE WHEN outcome = 'DENIED' THEN coalesce(billed_amount, allowed_amount, 0) END
               AS denied_dollars
    FROM claims
    WHERE customer_id = :customer_id
      AND decided_date >= :baseline_start
      AND decided_date < :current_end
      AND outcome IN ('PAID', 'DENIED')
),
grouped AS (
    SELECT payer,
           reason,
           GROUPING(reason) = 1 AS is_payer_total,
           count(*) FILTER (WHERE NOT is_current) AS n_baseline,
           count(*) FILTER (WHERE is_current) AS n_current,
           count(reason) FILTER (WHERE NOT is_current) AS denied_baseline,
           count(reason) FILTER (WHERE is_current) AS denied_current,
           coalesce(sum(denied_dollars) FILTER (WHERE NOT is_current), 0) AS dollars_baseline,
           coalesce(sum(denied_dollars) FILTER (WHERE is_current), 0) AS dollars_current
    FROM decided
    GROUP BY GROUPING SETS ((payer), (payer, reason))
)
SELECT payer,
       CASE WHEN is_payer_total THEN NULL ELSE reason END AS reason,
       n_baseline::int AS n_baseline,
       n_current::int AS n_current,
       denied_baseline::int AS denied_baseline,
       denied_current::int AS denied_current,
       dollars_baseline::numeric(14, 2) AS dollars_baseline,
       dollars_current::numeric(14, 2) AS dollars_current
FROM grouped
WHERE is_payer_total OR reason IS NOT NULL
ORDER BY payer, reason NULLS FIRST
