-- Uploads received in the 30 days up to the report date: outcomes, rows, mean quality metrics.
SELECT count(*) AS uploads,
       count(*) FILTER (WHERE status IN ('loaded', 'partial')) AS loaded,
       count(*) FILTER (WHERE status = 'rejected') AS rejected,
       count(*) FILTER (WHERE status = 'duplicate') AS duplicates,
       count(*) FILTER (WHERE status IN ('failed', 'quarantined')) AS failed,
       coalesce(sum(rows_total), 0) AS rows_total,
       coalesce(sum(rows_accepted), 0) AS rows_accepted,
       coalesce(sum(rows_rejected), 0) AS rows_rejected,
       coalesce(sum(rows_warning), 0) AS rows_warning,
       avg(CAST(report -> 'quality' ->> 'completeness' AS float)) AS completeness,
       avg(CAST(report -> 'quality' ->> 'validity' AS float)) AS validity,
       avg(CAST(report -> 'quality' ->> 'timeliness_days' AS float)) AS timeliness_days,
       coalesce(sum(CASE WHEN jsonb_typeof(report -> 'anomalies') = 'array'
                         THEN jsonb_array_length(report -> 'anomalies') ELSE 0 END), 0)
           AS anomalies,
       max(received_at) AS last_upload_at
FROM uploads
WHERE customer_id = :customer_id
  AND received_at >= CAST(:since AS date) AND received_at < CAST(:until AS date)
