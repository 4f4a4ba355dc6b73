-- Add line_delta's PAID lines with a payment date to the per-(payer, payment day) rollup that
-- DelayGuard and the report's payment-days trend read.
-- A rebuild (fresh rollups) runs it without its ON CONFLICT clause: rollups._apply.
INSERT INTO claim_rollups_payments AS r (
    customer_id, payer, day, n, n_lag_service, lag_days, lag_days_sq, cash
)
SELECT CAST(:customer_id AS uuid),
       payer,
       payment_date,
       sum(sign),
       coalesce(sum(sign) FILTER (WHERE submitted_date IS NULL), 0),
       sum(sign * (payment_date - lag_start)),
       sum(sign * (payment_date - lag_start)::bigint * (payment_date - lag_start)),
       sum(sign * coalesce(paid_amount, allowed_amount, 0))
FROM line_delta
WHERE outcome = 'PAID' AND payment_date IS NOT NULL
GROUP BY 2, 3
ON CONFLICT (customer_id, payer, day) DO UPDATE SET
    n = r.n + EXCLUDED.n,
    n_lag_service = r.n_lag_service + EXCLUDED.n_lag_service,
    lag_days = r.lag_days + EXCLUDED.lag_days,
    lag_days_sq = r.lag_days_sq + EXCLUDED.lag_days_sq,
    cash = r.cash + EXCLUDED.cash
