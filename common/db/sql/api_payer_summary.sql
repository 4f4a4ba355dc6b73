-- Per-payer totals for [start, end) on decision date, from claim_rollups.
WITH p AS (
  SELECT payer,
         sum(n_paid + n_denied + n_other) AS claims,
         sum(n_paid) AS paid,
         sum(n_denied) AS denied,
         sum(n_other) AS other,
         sum(billed) AS billed,
         sum(allowed) AS allowed,
         sum(paid) AS paid_amount,
         sum(denied_billed) AS denied_billed,
         sum(decision_days)::numeric / NULLIF(sum(n_decided), 0) AS avg_days_to_decision,
         sum(payment_days)::numeric / NULLIF(sum(n_payment), 0) AS avg_days_to_payment
  FROM claim_rollups
  WHERE customer_id = CAST(:customer_id AS uuid)
    AND day >= CAST(:start_date AS date) AND day < CAST(:end_date AS date)
  GROUP BY payer
)
SELECT COALESCE((
         SELECT json_agg(json_build_object(
                  'payer', payer, 'claims', claims, 'paid', paid, 'denied', denied,
                  'other', other,
                  'denial_rate', round(denied::numeric / NULLIF(paid + denied, 0), 4),
                  'billed', billed, 'allowed', allowed, 'paid_amount', paid_amount,
                  'denied_billed', denied_billed,
                  'avg_days_to_decision', round(avg_days_to_decision, 2),
                  'avg_days_to_payment', round(avg_days_to_payment, 2))
                ORDER BY claims DESC, payer)
         FROM p), '[]'::json) AS payers
