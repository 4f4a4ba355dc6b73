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
    updated_at = now()
FROM claim_stage s
WHERE c.customer_id = :customer_id AND c.claim_key = s.claim_key
  AND (c.claim_id, c.payer, c.cpt, c.cpt_modifiers, c.cpt_group, c.submitted_date,
        c.decided_date, c.payment_date, c.outcome, c.billed_amount, c.allowed_amount,
        c.paid_amount, c.denial_reason_code, c.denial_reason_text)
       IS DISTINCT FROM
       (s.claim_id, s.payer, s.cpt, s.cpt_modifiers, s.cpt_group, s.submitted_date,
        s.decided_date, s.payment_date, s.outcome, s.billed_amount, s.allowed_amount,
        s.paid_amount, s.denial_reason_code, s.denial_reason_text)
