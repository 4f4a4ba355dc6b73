-- A payment the customer already has from an earlier file (same payer and trace number,
-- TRN02: the check or EFT number) is replaced by this file's version, with its PLB
-- adjustments (ON DELETE CASCADE): a re-sent 835 is one payment, not two.
DELETE FROM remittances r
USING json_to_recordset(CAST(:rows AS json)) AS n(payer text, trace_number text)
WHERE r.customer_id = :customer_id
  AND n.trace_number IS NOT NULL
  AND r.trace_number = n.trace_number
  AND r.payer IS NOT DISTINCT FROM n.payer
