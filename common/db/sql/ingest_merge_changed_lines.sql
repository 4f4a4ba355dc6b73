-- A re-sent line whose content changed (e.g. a denial later paid on appeal) is updated in one
-- statement: its superseded content is kept in claim_versions (SPEC 2.5: history kept) and
-- taken out of the rollups (-1 in line_delta), its new content added (+1). Every part reads
-- the same snapshot, so `superseded` is the content before the update. The row count is the
-- lines updated.
WITH superseded AS (
    SELECT c.*
    FROM claims c
    JOIN claim_stage s ON s.line_key = c.line_key
    WHERE c.customer_id = :customer_id
      AND (c.claim_id, c.line_number, c.payer, c.cpt, c.cpt_modifiers, c.cpt_group,
           c.service_date, c.submitted_date, c.decided_date, c.payment_date, c.outcome,
           c.billed_amount, c.allowed_amount, c.paid_amount, c.denial_reason_code,
           c.denial_reason_text)
          IS DISTINCT FROM
          (s.claim_id, s.line_number, s.payer, s.cpt, s.cpt_modifiers, s.cpt_group,
           s.service_date, s.submitted_date, s.decided_date, s.payment_date, s.outcome,
           s.billed_amount, s.allowed_amount, s.paid_amount, s.denial_reason_code,
           s.denial_reason_text)
), versioned AS (
    INSERT INTO claim_versions (
        customer_id, claim_pk, upload_id, claim_id, line_number, payer, cpt, cpt_modifiers,
        cpt_group, service_date, submitted_date, decided_date, payment_date, outcome,
        billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text,
        superseded_by_upload_id
    )
    SELECT customer_id, id, upload_id, claim_id, line_number, payer, cpt, cpt_modifiers,
           cpt_group, service_date, submitted_date, decided_date, payment_date, outcome,
           billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text,
           :upload_id
    FROM superseded
), updated AS (
    UPDATE claims c SET
        upload_id = :upload_id,
        claim_id = s.claim_id,
        line_number = s.line_number,
        payer = s.payer,
        cpt = s.cpt,
        cpt_modifiers = s.cpt_modifiers,
        cpt_group = s.cpt_group,
        service_date = s.service_date,
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
    FROM superseded o
    JOIN claim_stage s ON s.line_key = o.line_key
    WHERE c.id = o.id
    RETURNING c.payer, c.cpt_group, c.outcome, c.service_date, c.submitted_date,
              c.decided_date, c.payment_date, c.billed_amount, c.allowed_amount,
              c.paid_amount, c.denial_reason_code, c.denial_reason_text
), delta AS (
    SELECT -1 AS sign, payer, cpt_group, outcome, service_date, submitted_date, decided_date,
           payment_date, billed_amount, allowed_amount, paid_amount, denial_reason_code,
           denial_reason_text
    FROM superseded
    UNION ALL
    SELECT 1, * FROM updated
)
INSERT INTO line_delta (
    sign, payer, cpt_group, outcome, service_date, submitted_date, decided_date, payment_date,
    billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
)
SELECT * FROM delta
