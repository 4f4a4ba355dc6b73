-- A page of uploads, newest first; keyset on (received_at, id). Skipped rows (self-pay,
-- totals) are counted in the report only.
SELECT id, object_name, status, sha256, size_bytes, encoding, delimiter, rows_total,
       rows_accepted, rows_rejected, rows_warning,
       COALESCE(CAST(report ->> 'rows_skipped' AS integer), 0) AS rows_skipped,
       date_min, date_max, error, received_at,
       completed_at
FROM uploads
WHERE customer_id = CAST(:customer_id AS uuid)
  AND (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))
  AND (CAST(:after_at AS timestamptz) IS NULL
       OR (received_at, id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid)))
ORDER BY received_at DESC, id DESC
LIMIT :limit
