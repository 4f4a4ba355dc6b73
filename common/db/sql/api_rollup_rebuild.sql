-- Per-(day, payer) rollup of a customer's claims: the day is decided_date (submitted_date
-- while pending); outcome counts and money sums are columns.
INSERT INTO claim_rollups (customer_id, day, payer, n_paid, n_denied, n_other, billed, allowed,
                           paid, denied_billed, decision_days, n_decided, payment_days,
                           n_payment)
SELECT customer_id,
       COALESCE(decided_date, submitted_date),
       payer,
       count(*) FILTER (WHERE outcome = 'PAID'),
       count(*) FILTER (WHERE outcome = 'DENIED'),
       count(*) FILTER (WHERE outcome = 'OTHER'),
       COALESCE(sum(billed_amount), 0),
       COALESCE(sum(allowed_amount), 0),
       COALESCE(sum(paid_amount), 0),
       COALESCE(sum(billed_amount) FILTER (WHERE outcome = 'DENIED'), 0),
       COALESCE(sum(decided_date - submitted_date), 0),
       count(decided_date),
       COALESCE(sum(payment_date - submitted_date), 0),
       count(payment_date)
FROM claims
WHERE customer_id = CAST(:customer_id AS uuid)
GROUP BY 1, 2, 3
