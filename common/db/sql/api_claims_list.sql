-- A page of service lines, most recently loaded first (keyset on id, index (customer_id, id)).
-- Date filters are half-open [from, to); [key_from, key_to) is one claim's range of line keys.
SELECT id, upload_id, claim_id, line_key, line_number, payer, cpt, cpt_modifiers, cpt_group,
       service_date, submitted_date,
       decided_date, payment_date, outcome, billed_amount, allowed_amount, paid_amount,
       denial_reason_code, denial_reason_text, created_at, updated_at
FROM claims
WHERE customer_id = CAST(:customer_id AS uuid)
  AND (CAST(:after_id AS bigint) IS NULL OR id < CAST(:after_id AS bigint))
  AND (CAST(:key_from AS text) IS NULL
       OR (line_key >= CAST(:key_from AS text) COLLATE "C"
           AND line_key < CAST(:key_to AS text) COLLATE "C"))
  AND (CAST(:payer AS text) IS NULL OR payer = CAST(:payer AS text))
  AND (CAST(:cpt AS text) IS NULL OR cpt = CAST(:cpt AS text))
  AND (CAST(:cpt_group AS text) IS NULL OR cpt_group = CAST(:cpt_group AS text))
  AND (CAST(:outcome AS text) IS NULL OR outcome = CAST(:outcome AS text))
  AND (CAST(:submitted_from AS date) IS NULL OR submitted_date >= CAST(:submitted_from AS date))
  AND (CAST(:submitted_to AS date) IS NULL OR submitted_date < CAST(:submitted_to AS date))
  AND (CAST(:decided_from AS date) IS NULL OR decided_date >= CAST(:decided_from AS date))
  AND (CAST(:decided_to AS date) IS NULL OR decided_date < CAST(:decided_to AS date))
ORDER BY id DESC
LIMIT :limit
