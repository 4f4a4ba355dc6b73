-- A claim identity an earlier batch of the same file already staged is rejected as duplicate.row.
WITH dropped AS (
    DELETE FROM claim_stage s
    WHERE EXISTS (SELECT 1 FROM staged_keys k WHERE k.line_key = s.line_key)
    RETURNING s.row_number
)
INSERT INTO upload_rejections (customer_id, upload_id, row_number, column_name, rule, severity)
SELECT :customer_id, :upload_id, row_number, NULL, 'duplicate.row', 'error' FROM dropped
RETURNING row_number
