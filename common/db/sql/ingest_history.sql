-- The customer's own history for anomaly checks: recent upload sizes and 90-day denial mix.
SELECT
    (SELECT coalesce(array_agg(rows_total ORDER BY received_at), '{}')
       FROM uploads
      WHERE customer_id = :customer_id AND id <> :upload_id
        AND status IN ('loaded', 'partial')
        AND received_at >= now() - make_interval(days => CAST(:rowcount_days AS integer))) AS recent_row_counts,
    (SELECT sum(n_denied)::float8 / nullif(sum(n_paid + n_denied), 0)
       FROM claim_rollups
      WHERE customer_id = :customer_id
        AND day >= current_date - CAST(:mix_days AS integer)) AS denial_share_90d
