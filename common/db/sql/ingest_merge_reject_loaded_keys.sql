-- First upload of a customer: every claim it has came from an earlier batch of this file, so a
-- staged identity already in claims is a repeat within the file (duplicate.row).
WITH dropped AS (
    DELETE FROM claim_stage s
    WHERE EXISTS (
        SELECT 1 FROM claims c WHERE c.customer_id = :customer_id AND c.line_key = s.line_key
    )
    RETURNING s.row_number
)
INSERT INTO upload_rejections (customer_id, upload_id, row_number, column_name, rule, severity)
SELECT :customer_id, :upload_id, row_number, NULL, 'duplicate.row', 'error' FROM dropped
RETURNING row_number
