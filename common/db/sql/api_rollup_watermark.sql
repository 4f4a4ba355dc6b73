-- What the customer's claims look like "now", cheaply: finished loads and the newest claim id.
-- Claims only change through uploads, so an unchanged watermark means an unchanged rollup.
-- Keep in step with the `wm` CTE of api_dashboard.sql and api_payer_summary.sql.
SELECT concat_ws(':',
         (SELECT count(*) FROM uploads
           WHERE customer_id = CAST(:customer_id AS uuid) AND status IN ('loaded', 'partial')),
         (SELECT max(completed_at) FROM uploads
           WHERE customer_id = CAST(:customer_id AS uuid) AND status IN ('loaded', 'partial')),
         (SELECT max(id) FROM claims WHERE customer_id = CAST(:customer_id AS uuid))
       ) AS watermark
