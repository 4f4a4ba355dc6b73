INSERT INTO claims (
    customer_id, upload_id, claim_key, claim_id, payer, cpt, cpt_modifiers, cpt_group,
    submitted_date, decided_date, payment_date, outcome, billed_amount, allowed_amount,
    paid_amount, denial_reason_code, denial_reason_text
)
SELECT :customer_id, :upload_id, s.claim_key, s.claim_id, s.payer, s.cpt, s.cpt_modifiers,
       s.cpt_group, s.submitted_date, s.decided_date, s.payment_date, s.outcome,
       s.billed_amount, s.allowed_amount, s.paid_amount, s.denial_reason_code,
       s.denial_reason_text
FROM claim_stage s
-- has_claims = false (a first upload) folds the anti-join away.
WHERE NOT CAST(:has_claims AS boolean) OR NOT EXISTS (
    SELECT 1 FROM claims c WHERE c.customer_id = :customer_id AND c.claim_key = s.claim_key
)
