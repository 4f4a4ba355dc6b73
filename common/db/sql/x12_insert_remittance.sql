-- One 835 transaction (ST/SE) of this upload; its PLB adjustments follow with its id.
INSERT INTO remittances (
    customer_id, upload_id, segment, control_number, payer, trace_number, payment_method,
    payment_amount, payment_date, production_date, claims, lines, claims_paid,
    provider_adjustments_total, balanced
)
VALUES (
    :customer_id, :upload_id, :segment, :control_number, :payer, :trace_number,
    :payment_method, :payment_amount, :payment_date, :production_date, :claims, :lines,
    :claims_paid, :provider_adjustments_total, :balanced
)
RETURNING id
