-- A customer's first upload: every staged line is new (repeats were rejected before), so the
-- lines go in without an anti-join or RETURNING (RETURNING into line_delta cost 4.7 s per
-- million lines); the rollups are then built from the lines once (rollups.rebuild).
INSERT INTO claims (
    customer_id, upload_id, line_key, claim_id, line_number, payer, cpt, cpt_modifiers,
    cpt_group, service_date, submitted_date, decided_date, payment_date, outcome,
    billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
)
SELECT :customer_id, :upload_id, line_key, claim_id, line_number, payer, cpt, cpt_modifiers,
       cpt_group, service_date, submitted_date, decided_date, payment_date, outcome,
       billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
FROM claim_stage
