-- Add line_delta to the per-(payer, day) rollup; day = decided_date, else the lag start.
-- A rebuild (fresh rollups) runs it without its ON CONFLICT clause: rollups._apply.
INSERT INTO claim_rollups AS r (
    customer_id, day, payer, n_paid, n_denied, n_other, n_decided, n_payment, n_lag_service,
    billed, allowed, paid, denied_billed, denied_charge, decision_days, payment_days,
    n_paid_undated, paid_lag_days, paid_lag_days_sq, paid_undated_lag_days, paid_cash
)
SELECT CAST(:customer_id AS uuid),
       coalesce(decided_date, lag_start),
       payer,
       coalesce(sum(sign) FILTER (WHERE outcome = 'PAID'), 0),
       coalesce(sum(sign) FILTER (WHERE outcome = 'DENIED'), 0),
       coalesce(sum(sign) FILTER (WHERE outcome = 'OTHER'), 0),
       coalesce(sum(sign) FILTER (WHERE decided_date IS NOT NULL), 0),
       coalesce(sum(sign) FILTER (WHERE payment_date IS NOT NULL), 0),
       coalesce(sum(sign) FILTER (WHERE submitted_date IS NULL), 0),
       coalesce(sum(sign * billed_amount), 0),
       coalesce(sum(sign * allowed_amount), 0),
       coalesce(sum(sign * paid_amount), 0),
       coalesce(sum(sign * billed_amount) FILTER (WHERE outcome = 'DENIED'), 0),
       coalesce(sum(sign * coalesce(billed_amount, allowed_amount, 0))
                    FILTER (WHERE outcome = 'DENIED'), 0),
       coalesce(sum(sign * (decided_date - lag_start)), 0),
       coalesce(sum(sign * (payment_date - lag_start)), 0),
       coalesce(sum(sign) FILTER (WHERE outcome = 'PAID' AND payment_date IS NULL), 0),
       coalesce(sum(sign * (decided_date - lag_start)) FILTER (WHERE outcome = 'PAID'), 0),
       coalesce(sum(sign * (decided_date - lag_start)::bigint * (decided_date - lag_start))
                    FILTER (WHERE outcome = 'PAID'), 0),
       coalesce(sum(sign * (decided_date - lag_start))
                    FILTER (WHERE outcome = 'PAID' AND payment_date IS NULL), 0),
       coalesce(sum(sign * coalesce(paid_amount, allowed_amount, 0))
                    FILTER (WHERE outcome = 'PAID'), 0)
FROM line_delta
GROUP BY 2, 3
ON CONFLICT (customer_id, day, payer) DO UPDATE SET
    n_paid = r.n_paid + EXCLUDED.n_paid,
    n_denied = r.n_denied + EXCLUDED.n_denied,
    n_other = r.n_other + EXCLUDED.n_other,
    n_decided = r.n_decided + EXCLUDED.n_decided,
    n_payment = r.n_payment + EXCLUDED.n_payment,
    n_lag_service = r.n_lag_service + EXCLUDED.n_lag_service,
    billed = r.billed + EXCLUDED.billed,
    allowed = r.allowed + EXCLUDED.allowed,
    paid = r.paid + EXCLUDED.paid,
    denied_billed = r.denied_billed + EXCLUDED.denied_billed,
    denied_charge = r.denied_charge + EXCLUDED.denied_charge,
    decision_days = r.decision_days + EXCLUDED.decision_days,
    payment_days = r.payment_days + EXCLUDED.payment_days,
    n_paid_undated = r.n_paid_undated + EXCLUDED.n_paid_undated,
    paid_lag_days = r.paid_lag_days + EXCLUDED.paid_lag_days,
    paid_lag_days_sq = r.paid_lag_days_sq + EXCLUDED.paid_lag_days_sq,
    paid_undated_lag_days = r.paid_undated_lag_days + EXCLUDED.paid_undated_lag_days,
    paid_cash = r.paid_cash + EXCLUDED.paid_cash
