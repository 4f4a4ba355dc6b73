-- DenialScope's long lookbacks, before the recent window [current_start, current_end):
--   kind 'dollars': per payer, the sum and sum of squares of daily denied dollars over
--     [dollar_start, current_start) (days without denials add nothing: they are zeros);
--   kind 'reason':  per (payer, reason), denials over [reason_start, current_start), for the
--     reasons denied in the recent window (0 = absent over the whole lookback: a new reason);
--   kind 'rare':    per payer, denials over [reason_start, current_start) of reasons that
--     appear at most rare_max times there (the background rate of new reasons).
WITH daily AS (
    SELECT payer, day, sum(denied_charge) AS dollars
    FROM claim_rollups
    WHERE customer_id = :customer_id AND day >= :dollar_start AND day < :current_start
    GROUP BY payer, day
),
lookback AS (
    SELECT payer, reason, sum(n) AS n
    FROM claim_rollups_reasons
    WHERE customer_id = :customer_id AND day >= :reason_start AND day < :current_start
    GROUP BY payer, reason
),
recent AS (
    SELECT DISTINCT payer, reason
    FROM claim_rollups_reasons
    WHERE customer_id = :customer_id AND day >= :current_start AND day < :current_end
)
SELECT 'dollars' AS kind, payer, NULL::text AS reason,
       sum(dollars)::float8 AS daily_sum, sum(dollars * dollars)::float8 AS daily_sq,
       NULL::bigint AS n
FROM daily GROUP BY payer
UNION ALL
SELECT 'reason', r.payer, r.reason, NULL, NULL, coalesce(l.n, 0)
FROM recent r LEFT JOIN lookback l USING (payer, reason)
UNION ALL
SELECT 'rare', payer, NULL, NULL, NULL, sum(n)
FROM lookback WHERE n <= :rare_max GROUP BY payer
