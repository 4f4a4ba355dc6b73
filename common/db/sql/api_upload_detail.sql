-- One upload with its report and its findings grouped by (rule, column, severity), each with
-- up to 20 sample row numbers (never values: SPEC 2.4).
SELECT u.id, u.object_name, u.status, u.sha256, u.size_bytes, u.encoding, u.delimiter,
       u.rows_total, u.rows_accepted, u.rows_rejected, u.rows_warning,
       COALESCE(CAST(u.report ->> 'rows_skipped' AS integer), 0) AS rows_skipped,
       u.date_min, u.date_max,
       u.error, u.received_at, u.completed_at, u.report,
       COALESCE((
         SELECT json_agg(g ORDER BY g.severity, g.count DESC, g.rule, g."column")
         FROM (
           SELECT r.rule, r.column_name AS "column", r.severity, count(*) AS count,
                  (array_agg(r.row_number ORDER BY r.row_number))[1:20] AS sample_rows
           FROM upload_rejections r
           WHERE r.customer_id = u.customer_id AND r.upload_id = u.id
           GROUP BY r.rule, r.column_name, r.severity
         ) g
       ), '[]'::json) AS rejections
FROM uploads u
WHERE u.customer_id = CAST(:customer_id AS uuid)
  AND u.id = CAST(:upload_id AS uuid)
