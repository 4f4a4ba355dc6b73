-- A customer's first upload: the staged lines of the batch, all just inserted, as additions.
INSERT INTO line_delta (
    sign, payer, cpt_group, outcome, service_date, submitted_date, decided_date, payment_date,
    billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
)
SELECT 1, payer, cpt_group, outcome, service_date, submitted_date, decided_date, payment_date,
       billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
FROM claim_stage
