-- Add line_delta's PAID lines to the per-(payer, decided day, days to payment) rollup that
-- DelayGuard's payment_aging reads; pay_lag is -1 while the line has no payment date.
-- A rebuild (fresh rollups) runs it without its ON CONFLICT clause: rollups._apply.
INSERT INTO claim_rollups_aging AS r (customer_id, payer, day, pay_lag, n, cash)
SELECT CAST(:customer_id AS uuid),
       payer,
       decided_date,
       coalesce(payment_date - decided_date, -1),
       sum(sign),
       sum(sign * coalesce(paid_amount, allowed_amount, 0))
FROM line_delta
WHERE outcome = 'PAID' AND decided_date IS NOT NULL
GROUP BY 2, 3, 4
ON CONFLICT (customer_id, payer, day, pay_lag) DO UPDATE SET
    n = r.n + EXCLUDED.n,
    cash = r.cash + EXCLUDED.cash
