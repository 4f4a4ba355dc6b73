INSERT INTO upload_rejections (customer_id, upload_id, row_number, column_name, rule, severity)
SELECT :customer_id, :upload_id, row_number, column_name, rule, severity FROM finding_stage
