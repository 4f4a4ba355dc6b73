-- Where one report's bytes live.
SELECT id, kind, format, period_start, period_end, object_name
FROM reports
WHERE customer_id = CAST(:customer_id AS uuid)
  AND id = CAST(:report_id AS uuid)
