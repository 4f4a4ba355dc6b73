-- A claim identity seen again later in the same file is rejected as duplicate.row.
WITH dropped AS (
    DELETE FROM claim_stage_keyed WHERE occurrence > 1 RETURNING row_number
)
INSERT INTO upload_rejections (customer_id, upload_id, row_number, column_name, rule, severity)
SELECT :customer_id, :upload_id, row_number, NULL, 'duplicate.row', 'error' FROM dropped
RETURNING row_number
