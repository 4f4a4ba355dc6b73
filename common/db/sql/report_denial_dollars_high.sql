-- Denied dollars per payer in DenialScope's recent window [current_start, current_end), on
-- decided_date, from claim_rollups.denied_charge (billed, else allowed: what DenialScope reads),
-- with the baseline [baseline_start, current_start) for a typical week. The caller keeps the
-- payers at or above the customer's denial_dollars_high level (SPEC 3.2: a level, not a signal).
SELECT payer,
       coalesce(sum(denied_charge) FILTER (WHERE day >= :current_start), 0)::numeric(16, 2)
           AS denied_dollars,
       coalesce(sum(n_denied) FILTER (WHERE day >= :current_start), 0)::int AS denied_lines,
       coalesce(sum(n_paid + n_denied) FILTER (WHERE day >= :current_start), 0)::int
           AS decided_lines,
       coalesce(sum(denied_charge) FILTER (WHERE day < :current_start), 0)::numeric(16, 2)
           AS baseline_dollars
FROM claim_rollups
WHERE customer_id = :customer_id
  AND day >= :baseline_start
  AND day < :current_end
GROUP BY payer
HAVING coalesce(sum(denied_charge) FILTER (WHERE day >= :current_start), 0) > 0
ORDER BY denied_dollars DESC, payer
