-- Insert the staged lines this customer does not have yet, adding each to line_delta (+1).
WITH inserted AS (
    INSERT INTO claims (
        customer_id, upload_id, line_key, claim_id, line_number, payer, cpt, cpt_modifiers,
        cpt_group, service_date, submitted_date, decided_date, payment_date, outcome,
        billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
    )
    SELECT :customer_id, :upload_id, s.line_key, s.claim_id, s.line_number, s.payer, s.cpt,
           s.cpt_modifiers, s.cpt_group, s.service_date, s.submitted_date, s.decided_date,
           s.payment_date, s.outcome, s.billed_amount, s.allowed_amount, s.paid_amount,
           s.denial_reason_code, s.denial_reason_text
    FROM claim_stage s
    WHERE NOT EXISTS (
        SELECT 1 FROM claims c WHERE c.customer_id = :customer_id AND c.line_key = s.line_key
    )
    RETURNING payer, cpt_group, outcome, service_date, submitted_date, decided_date,
              payment_date, billed_amount, allowed_amount, paid_amount, denial_reason_code,
              denial_reason_text
)
INSERT INTO line_delta (
    sign, payer, cpt_group, outcome, service_date, submitted_date, decided_date, payment_date,
    billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
)
SELECT 1, * FROM inserted
