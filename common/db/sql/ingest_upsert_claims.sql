INSERT INTO claims (
    customer_id, upload_id, claim_key, claim_id, payer, cpt, cpt_modifiers, cpt_group,
    submitted_date, decided_date, payment_date, outcome, billed_amount, allowed_amount,
    paid_amount, denial_reason_code, denial_reason_text, content_hash
)
SELECT :customer_id, :upload_id, claim_key, claim_id, payer, cpt, cpt_modifiers, cpt_group,
       submitted_date, decided_date, payment_date, outcome, billed_amount, allowed_amount,
       paid_amount, denial_reason_code, denial_reason_text, content_hash
FROM claim_stage_keyed
ON CONFLICT (customer_id, claim_key) DO UPDATE SET
    upload_id = excluded.upload_id,
    claim_id = excluded.claim_id,
    payer = excluded.payer,
    cpt = excluded.cpt,
    cpt_modifiers = excluded.cpt_modifiers,
    cpt_group = excluded.cpt_group,
    submitted_date = excluded.submitted_date,
    decided_date = excluded.decided_date,
    payment_date = excluded.payment_date,
    outcome = excluded.outcome,
    billed_amount = excluded.billed_amount,
    allowed_amount = excluded.allowed_amount,
    paid_amount = excluded.paid_amount,
    denial_reason_code = excluded.denial_reason_code,
    denial_reason_text = excluded.denial_reason_text,
    content_hash = excluded.content_hash,
    updated_at = now()
WHERE claims.content_hash <> excluded.content_hash
