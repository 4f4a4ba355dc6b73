-- Row findings of this upload; a warning on a row the merge rejected as a repeat is dropped.
INSERT INTO upload_rejections (customer_id, upload_id, row_number, column_name, rule, severity)
SELECT :customer_id, :upload_id, f.row_number, f.column_name, f.rule, f.severity
FROM finding_stage f
WHERE f.severity = 'error'
   OR NOT EXISTS (
       SELECT 1 FROM upload_rejections r
       WHERE r.upload_id = :upload_id AND r.row_number = f.row_number AND r.rule = 'duplicate.row'
   )
