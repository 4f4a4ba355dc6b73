-- A page of 835 remittances, newest first, each with its PLB adjustments; keyset on
-- (created_at, id). Optional filters: the upload that carried it, the payer, one remittance.
SELECT r.id, r.upload_id, r.segment, r.control_number, r.payer, r.trace_number,
       r.payment_method, r.payment_amount, r.payment_date, r.production_date, r.claims,
       r.lines, r.claims_paid, r.provider_adjustments_total, r.balanced, r.created_at,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'reason', p.reason, 'reference', p.reference, 'amount', p.amount,
                  'fiscal_period', p.fiscal_period)
                ORDER BY p.id)
         FROM provider_adjustments p
         WHERE p.customer_id = r.customer_id AND p.remittance_id = r.id
       ), '[]'::json) AS provider_adjustments
FROM remittances r
WHERE r.customer_id = CAST(:customer_id AS uuid)
  AND (CAST(:upload_id AS uuid) IS NULL OR r.upload_id = CAST(:upload_id AS uuid))
  AND (CAST(:payer AS text) IS NULL OR r.payer = CAST(:payer AS text))
  AND (CAST(:remittance_id AS uuid) IS NULL OR r.id = CAST(:remittance_id AS uuid))
  AND (CAST(:after_at AS timestamptz) IS NULL
       OR (r.created_at, r.id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid)))
ORDER BY r.created_at DESC, r.id DESC
LIMIT :limit
