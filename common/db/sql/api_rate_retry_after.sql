-- Per-tenant action rate (rate_events): how many in the window, and seconds until one frees up.
SELECT count(*) AS used,
       GREATEST(1, CEIL(EXTRACT(EPOCH FROM
         min(at) + make_interval(secs => :window_seconds) - now()))::int) AS retry_after
FROM rate_events
WHERE customer_id = CAST(:customer_id AS uuid)
  AND action = :action
  AND at > now() - make_interval(secs => :window_seconds)
