-- Add line_delta's PAID + DENIED lines to the per-(payer, cpt_group, decided day, decision
-- lag) rollup that DriftWatch reads.
-- A rebuild (fresh rollups) runs it without its ON CONFLICT clause: rollups._apply.
INSERT INTO claim_rollups_groups AS r (
    customer_id, payer, cpt_group, day, lag_days, n, n_denied, n_lag_service, charge
)
SELECT CAST(:customer_id AS uuid),
       payer,
       cpt_group,
       decided_date,
       decided_date - lag_start,
       sum(sign),
       coalesce(sum(sign) FILTER (WHERE outcome = 'DENIED'), 0),
       coalesce(sum(sign) FILTER (WHERE submitted_date IS NULL), 0),
       sum(sign * coalesce(billed_amount, allowed_amount, 0))
FROM line_delta
WHERE outcome IN ('PAID', 'DENIED')
GROUP BY 2, 3, 4, 5
ON CONFLICT (customer_id, payer, day, cpt_group, lag_days) DO UPDATE SET
    n = r.n + EXCLUDED.n,
    n_denied = r.n_denied + EXCLUDED.n_denied,
    n_lag_service = r.n_lag_service + EXCLUDED.n_lag_service,
    charge = r.charge + EXCLUDED.charge
