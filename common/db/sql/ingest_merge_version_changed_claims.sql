-- Keep the superseded content of every claim this file changes (SPEC 2.5: history kept).
INSERT INTO claim_versions (
    customer_id, claim_pk, upload_id, claim_id, payer, cpt, cpt_modifiers, cpt_group,
    submitted_date, decided_date, payment_date, outcome, billed_amount, allowed_amount,
    paid_amount, denial_reason_code, denial_reason_text, superseded_by_upload_id
)
SELECT c.customer_id, c.id, c.upload_id, c.claim_id, c.payer, c.cpt, c.cpt_modifiers,
       c.cpt_group, c.submitted_date, c.decided_date, c.payment_date, c.outcome,
       c.billed_amount, c.allowed_amount, c.paid_amount, c.denial_reason_code,
       c.denial_reason_text, :upload_id
FROM claims c
JOIN claim_stage s ON s.claim_key = c.claim_key
WHERE c.customer_id = :customer_id
  AND (c.claim_id, c.payer, c.cpt, c.cpt_modifiers, c.cpt_group, c.submitted_date,
        c.decided_date, c.payment_date, c.outcome, c.billed_amount, c.allowed_amount,
        c.paid_amount, c.denial_reason_code, c.denial_reason_text)
       IS DISTINCT FROM
       (s.claim_id, s.payer, s.cpt, s.cpt_modifiers, s.cpt_group, s.submitted_date,
        s.decided_date, s.payment_date, s.outcome, s.billed_amount, s.allowed_amount,
        s.paid_amount, s.denial_reason_code, s.denial_reason_text)
