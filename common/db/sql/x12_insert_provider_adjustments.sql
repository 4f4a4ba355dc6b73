-- The PLB provider-level adjustments of this upload's remittances (positive: taken from the
-- payment), from a JSON array naming each one's remittance by its ST segment number.
INSERT INTO provider_adjustments (
    customer_id, remittance_id, reason, reference, amount, fiscal_period
)
SELECT :customer_id, r.id, p.reason, p.reference, p.amount, p.fiscal_period
FROM json_to_recordset(CAST(:rows AS json)) AS p(
    segment integer, reason text, reference text, amount numeric(12, 2), fiscal_period date
)
JOIN remittances r ON r.customer_id = :customer_id AND r.upload_id = :upload_id
                  AND r.segment = p.segment
ORDER BY p.segment
