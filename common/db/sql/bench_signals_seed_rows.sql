-- The seed system's way, for `upstream bench signals` only: every claim any product's window
-- touches, as raw rows, for Python to count in loops.
SELECT payer, cpt_group, outcome, submitted_date, decided_date, payment_date,
       billed_amount, allowed_amount, paid_amount, denial_reason_code, denial_reason_text
FROM claims
WHERE customer_id = :customer_id
  AND decided_date < :as_of
  AND (decided_date >= :scan_start OR payment_date >= :scan_start)
