-- The dashboard in one round trip: every part is a CTE and the result one JSON document.
-- Line figures come from claim_rollups (maintained at load time). "Open" signals are the open
-- episodes no operator resolved; recovery counts the latest judgment per alert.
WITH months AS (
  SELECT (CAST(:trend_start AS date) + make_interval(months => m))::date AS month
  FROM generate_series(0, 5) AS m
),
trend AS (
  SELECT date_trunc('month', day)::date AS month,
         sum(n_paid + n_denied) AS claims,
         sum(n_denied) AS denied
  FROM claim_rollups
  WHERE customer_id = CAST(:customer_id AS uuid)
    AND day >= CAST(:trend_start AS date) AND day <= CAST(:today AS date)
  GROUP BY 1
),
top_payers AS (
  SELECT payer,
         sum(n_paid + n_denied + n_other) AS claims,
         sum(n_denied) AS denied,
         sum(n_paid + n_denied) AS decided,
         sum(denied_billed) AS denied_billed
  FROM claim_rollups
  WHERE customer_id = CAST(:customer_id AS uuid)
    AND day > CAST(:today AS date) - 90 AND day <= CAST(:today AS date)
  GROUP BY payer
  ORDER BY denied_billed DESC, claims DESC, payer
  LIMIT 5
),
open_signals AS (
  SELECT s.severity_label, s.dollars_at_risk
  FROM signals s
  WHERE s.customer_id = CAST(:customer_id AS uuid)
    AND s.ended_as_of IS NULL
    AND NOT EXISTS (
      SELECT 1 FROM alerts a
      WHERE a.customer_id = s.customer_id AND a.signal_id = s.id AND a.status = 'resolved')
),
recovered AS (
  SELECT DISTINCT ON (j.alert_id)
         j.recovered_amount AS amount,
         COALESCE(j.recovered_date, j.created_at::date) AS on_day
  FROM operator_judgments j
  WHERE j.customer_id = CAST(:customer_id AS uuid)
  ORDER BY j.alert_id, j.created_at DESC, j.id DESC
)
SELECT json_build_object(
  'as_of', CAST(:today AS date),
  'claims', (SELECT COALESCE(sum(n_paid + n_denied + n_other), 0) FROM claim_rollups
             WHERE customer_id = CAST(:customer_id AS uuid)),
  'uploads', (SELECT count(*) FROM uploads WHERE customer_id = CAST(:customer_id AS uuid)),
  'open_signals', (
    SELECT json_build_object(
      'low', count(*) FILTER (WHERE severity_label = 'low'),
      'medium', count(*) FILTER (WHERE severity_label = 'medium'),
      'high', count(*) FILTER (WHERE severity_label = 'high'),
      'critical', count(*) FILTER (WHERE severity_label = 'critical'),
      'total', count(*))
    FROM open_signals),
  'dollars_at_risk', (SELECT COALESCE(sum(dollars_at_risk), 0) FROM open_signals),
  'denial_trend', (
    SELECT json_agg(json_build_object(
             'month', m.month, 'claims', COALESCE(t.claims, 0),
             'denied', COALESCE(t.denied, 0),
             'denial_rate', round(t.denied::numeric / NULLIF(t.claims, 0), 4))
           ORDER BY m.month)
    FROM months m LEFT JOIN trend t ON t.month = m.month),
  'top_payers', COALESCE((
    SELECT json_agg(json_build_object(
             'payer', payer, 'claims', claims, 'denied', denied,
             'denial_rate', round(denied::numeric / NULLIF(decided, 0), 4),
             'denied_billed', denied_billed)
           ORDER BY denied_billed DESC, claims DESC, payer)
    FROM top_payers), '[]'::json),
  'recovery', (
    SELECT json_build_object(
      'this_month', COALESCE(sum(amount) FILTER (WHERE on_day >= CAST(:month_start AS date)), 0),
      'last_30_days', COALESCE(sum(amount) FILTER (WHERE on_day > CAST(:today AS date) - 30), 0),
      'all_time', COALESCE(sum(amount), 0))
    FROM recovered)
) AS doc
