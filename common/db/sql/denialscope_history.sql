-- DenialScope's long lookbacks, before the recent window [current_start, current_end):
--   kind 'dollars': per payer and period (bucket 0 = the period_days just before the recent
--     window, 1 the ones before, ...), denied dollars over [dollar_start, current_start) in
--     dollars; a period without denials has no row (a zero). Periods as long as the recent
--     window hold every weekday once, so the weekday pattern of remittances cancels;
--   kind 'reason':  per (payer, reason), denials over [reason_start, reason_end), for the
--     reasons denied in the recent window (0 = absent over the whole lookback: a new reason).
--     reason_end is the start of the new-reason episode span (28 days before as_of), so a
--     reason first denied within it stays new while its episode lasts;
--   kind 'rare':    per payer, denials over [reason_start, reason_end) of reasons that
--     appear at most rare_max times there (the background rate of new reasons).
WITH periods AS (
    SELECT payer,
           (CAST(:current_start AS date) - day - 1) / CAST(:period_days AS integer) AS bucket,
           sum(denied_charge) AS dollars
    FROM claim_rollups
    WHERE customer_id = :customer_id AND day >= :dollar_start AND day < :current_start
    GROUP BY 1, 2
),
lookback AS (
    SELECT payer, reason, sum(n) AS n
    FROM claim_rollups_reasons
    WHERE customer_id = :customer_id AND day >= :reason_start AND day < :reason_end
    GROUP BY payer, reason
),
recent AS (
    SELECT DISTINCT payer, reason
    FROM claim_rollups_reasons
    WHERE customer_id = :customer_id AND day >= :current_start AND day < :current_end
)
SELECT 'dollars' AS kind, payer, NULL::text AS reason,
       dollars::float8 AS dollars, bucket AS n
FROM periods
UNION ALL
SELECT 'reason', r.payer, r.reason, NULL, coalesce(l.n, 0)
FROM recent r LEFT JOIN lookback l USING (payer, reason)
UNION ALL
SELECT 'rare', payer, NULL, NULL, sum(n)
FROM lookback WHERE n <= :rare_max GROUP BY payer
