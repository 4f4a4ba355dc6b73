-- A re-sent claim whose content changed (e.g. a denial later paid on appeal) is updated.
UPDATE claims c SET
    upload_id = :upload_id,
    claim_id = s.claim_id,
    payer = s.payer,
    cpt = s.cpt,
    cpt_modifiers = s.cpt_modifiers,
    cpt_group = s.cpt_group,
    submitted_date = s.submitted_date,
    decided_date = s.decided_date,
    payment_date = s.payment_date,
    outcome = s.outcome,
    billed_amount = s.billed_amount,
    allowed_amount = s.allowed_amount,
    paid_amount = s.paid_amount,
    denial_reason_code = s.denial_reason_code,
    denial_reason_text = s.denial_reason_text,
    content_hash = s.content_hash,
    updated_at = now()
FROM claim_stage s
WHERE c.customer_id = :customer_id AND c.claim_key = s.claim_key
  AND c.content_hash <> s.content_hash
