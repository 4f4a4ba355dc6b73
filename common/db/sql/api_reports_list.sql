-- A page of stored reports, newest first.
SELECT id, kind, format, period_start, period_end, size_bytes, created_at
FROM reports
WHERE customer_id = CAST(:customer_id AS uuid)
  AND (CAST(:kind AS text) IS NULL OR kind = CAST(:kind AS text))
  AND (CAST(:after_at AS timestamptz) IS NULL
       OR (created_at, id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid)))
ORDER BY created_at DESC, id DESC
LIMIT :limit
