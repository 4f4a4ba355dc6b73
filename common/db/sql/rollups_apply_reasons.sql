-- Add line_delta's DENIED lines to the per-(payer, decided day, reason) rollup DenialScope
-- reads.
-- A rebuild (fresh rollups) runs it without its ON CONFLICT clause: rollups._apply.
INSERT INTO claim_rollups_reasons AS r (customer_id, payer, day, reason, n, charge)
SELECT CAST(:customer_id AS uuid),
       payer,
       decided_date,
       reason,
       sum(sign),
       sum(sign * coalesce(billed_amount, allowed_amount, 0))
FROM line_delta
WHERE outcome = 'DENIED'
GROUP BY 2, 3, 4
ON CONFLICT (customer_id, payer, day, reason) DO UPDATE SET
    n = r.n + EXCLUDED.n,
    charge = r.charge + EXCLUDED.charge
