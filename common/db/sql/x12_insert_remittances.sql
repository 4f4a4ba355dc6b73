-- Every 835 transaction (ST/SE) of this upload in one statement, from a JSON array; the ids
-- come back with each transaction's ST segment number, for its PLB adjustments.
INSERT INTO remittances (
    customer_id, upload_id, segment, control_number, payer, trace_number, payment_method,
    payment_amount, payment_date, production_date, claims, lines, claims_paid,
    provider_adjustments_total, balanced
)
SELECT :customer_id, :upload_id, r.segment, r.control_number, r.payer, r.trace_number,
       r.payment_method, r.payment_amount, r.payment_date, r.production_date, r.claims, r.lines,
       r.claims_paid, r.provider_adjustments_total, r.balanced
FROM json_to_recordset(CAST(:rows AS json)) AS r(
    segment integer, control_number text, payer text, trace_number text, payment_method text,
    payment_amount numeric(12, 2), payment_date date, production_date date, claims integer,
    lines integer, claims_paid numeric(14, 2), provider_adjustments_total numeric(14, 2),
    balanced boolean
)
RETURNING id, segment
