CREATE TEMP TABLE claim_stage (
    row_number integer NOT NULL,
    claim_id text,
    payer text NOT NULL,
    cpt text NOT NULL,
    cpt_modifiers text,
    cpt_group text NOT NULL,
    submitted_date date NOT NULL,
    decided_date date,
    payment_date date,
    outcome text NOT NULL,
    billed_amount numeric(12, 2),
    allowed_amount numeric(12, 2),
    paid_amount numeric(12, 2),
    denial_reason_code text,
    denial_reason_text text,
    claim_key text NOT NULL
) ON COMMIT DROP
