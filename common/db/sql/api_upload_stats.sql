-- Totals over a customer's uploads; rejection counts come from each upload's report.
WITH u AS (
  SELECT status, rows_total, rows_accepted, rows_rejected, rows_warning, received_at,
         completed_at, report
  FROM uploads
  WHERE customer_id = CAST(:customer_id AS uuid)
)
SELECT (SELECT count(*) FROM u) AS uploads,
       (SELECT COALESCE(json_object_agg(status, n), '{}'::json)
          FROM (SELECT status, count(*) AS n FROM u GROUP BY status) s) AS by_status,
       (SELECT COALESCE(sum(rows_total), 0) FROM u) AS rows_total,
       (SELECT COALESCE(sum(rows_accepted), 0) FROM u) AS rows_accepted,
       (SELECT COALESCE(sum(rows_rejected), 0) FROM u) AS rows_rejected,
       (SELECT COALESCE(sum(rows_warning), 0) FROM u) AS rows_warning,
       (SELECT max(received_at) FROM u) AS last_received_at,
       (SELECT max(completed_at) FROM u) AS last_completed_at,
       (SELECT COALESCE(json_object_agg(rule, n), '{}'::json)
          FROM (SELECT e.key AS rule, sum(e.value::bigint) AS n
                FROM u, jsonb_each_text(
                  CASE WHEN jsonb_typeof(u.report -> 'rejections') = 'object'
                       THEN u.report -> 'rejections' ELSE '{}'::jsonb END) e
                WHERE e.value ~ '^[0-9]+$'
                GROUP BY e.key) r) AS rejections_by_rule
