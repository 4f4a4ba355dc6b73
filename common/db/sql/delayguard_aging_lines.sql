-- payment_aging: PAID lines per payer from claim_rollups_aging (pay_lag = days from decision
-- to payment, -1 while unpaid), in two kinds:
--   'baseline': lines decided in [baseline_start, current_start), by ISO weekday of the
--     decision and pay_lag. Each was decided at least current_days before as_of, so whether
--     it was paid within any age below current_days is fully observed;
--   'current': lines decided in [current_start, as_of), by decision day and pay_lag, with
--     their cash. Python judges each at its own age (as_of - 1 - day): paid by now only when
--     0 <= pay_lag <= age, so a payment dated on or after as_of never counts.
SELECT payer,
       'baseline' AS kind,
       NULL::date AS day,
       extract(isodow FROM day)::int AS weekday,
       pay_lag,
       sum(n)::int AS n,
       0::float8 AS cash
FROM claim_rollups_aging
WHERE customer_id = :customer_id
  AND day >= :baseline_start
  AND day < :current_start
GROUP BY payer, weekday, pay_lag
UNION ALL
SELECT payer,
       'current',
       day,
       extract(isodow FROM day)::int,
       pay_lag,
       sum(n)::int,
       sum(cash)::float8
FROM claim_rollups_aging
WHERE customer_id = :customer_id
  AND day >= :current_start
  AND day < :as_of
GROUP BY payer, day, pay_lag
ORDER BY payer, kind, day, pay_lag
