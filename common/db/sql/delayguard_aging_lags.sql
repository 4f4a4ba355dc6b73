-- payment_aging, step 1: per payer, days from decision to payment of the PAID lines decided in
-- [lag_start, lag_end) that carry a payment date (the payer's usual lag: its 80th percentile
-- sets how long to wait before calling a line late).
SELECT payer, pay_lag, sum(n)::int AS n
FROM claim_rollups_aging
WHERE customer_id = :customer_id
  AND day >= :lag_start AND day < :lag_end
  AND pay_lag >= 0
GROUP BY payer, pay_lag
HAVING sum(n) > 0
ORDER BY payer, pay_lag
