-- One PLB provider-level adjustment of a remittance (positive: taken from the payment).
INSERT INTO provider_adjustments (
    customer_id, remittance_id, reason, reference, amount, fiscal_period
)
VALUES (:customer_id, :remittance_id, :reason, :reference, :amount, :fiscal_period)
