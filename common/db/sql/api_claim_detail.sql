-- One service line with its superseded versions, newest first, and the CAS adjustments of its
-- current version (835 lines; CSV lines have none).
SELECT c.id, c.upload_id, c.claim_id, c.line_key, c.line_number, c.payer, c.cpt,
       c.cpt_modifiers, c.cpt_group, c.service_date, c.submitted_date, c.decided_date, c.payment_date, c.outcome, c.billed_amount,
       c.allowed_amount, c.paid_amount, c.denial_reason_code, c.denial_reason_text,
       c.created_at, c.updated_at,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'upload_id', v.upload_id, 'outcome', v.outcome,
                  'decided_date', v.decided_date, 'payment_date', v.payment_date,
                  'paid_amount', v.paid_amount, 'denial_reason_code', v.denial_reason_code,
                  'superseded_by_upload_id', v.superseded_by_upload_id,
                  'superseded_at', v.superseded_at)
                ORDER BY v.superseded_at DESC, v.id DESC)
         FROM claim_versions v
         WHERE v.customer_id = c.customer_id AND v.claim_pk = c.id
       ), '[]'::json) AS versions,
       COALESCE((
         SELECT json_agg(json_build_object(
                  'group', a.group_code, 'reason', a.reason_code, 'amount', a.amount,
                  'family', a.family)
                ORDER BY a.position)
         FROM line_adjustments a
         WHERE a.customer_id = c.customer_id AND a.line_key = c.line_key
           AND a.upload_id = c.upload_id
       ), '[]'::json) AS adjustments
FROM claims c
WHERE c.customer_id = CAST(:customer_id AS uuid)
  AND c.id = CAST(:claim_pk AS bigint)
