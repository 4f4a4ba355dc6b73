-- Row identity: claim_id when present, else a hash of the normalised row (SPEC 2.5).
CREATE TEMP TABLE claim_stage_keyed ON COMMIT DROP AS
SELECT s.*,
       coalesce('id:' || s.claim_id, 'row:' || md5(h.content)) AS claim_key,
       md5(h.content) AS content_hash,
       row_number() OVER (
           PARTITION BY coalesce('id:' || s.claim_id, 'row:' || md5(h.content))
           ORDER BY s.row_number
       ) AS occurrence
FROM claim_stage s
CROSS JOIN LATERAL (
    SELECT concat_ws('|', s.claim_id, s.payer, s.cpt, s.cpt_modifiers, s.cpt_group,
                     s.submitted_date, s.decided_date, s.payment_date, s.outcome,
                     s.billed_amount, s.allowed_amount, s.paid_amount,
                     s.denial_reason_code, s.denial_reason_text) AS content
) h
