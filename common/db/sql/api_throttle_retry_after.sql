-- Seconds until each throttle key drops below its limit of failures in the sliding window; a key with
-- fewer failures returns no row. Shared by every instance because it lives in Postgres.
SELECT k.key,
       GREATEST(1, CEIL(EXTRACT(EPOCH FROM
         f.failed_at + make_interval(secs => :window_seconds) - now()))::int) AS retry_after
FROM unnest(CAST(:keys AS text[])) AS k(key)
CROSS JOIN LATERAL (
  SELECT t.failed_at
  FROM auth_throttle t
  WHERE t.throttle_key = k.key
    AND t.failed_at > now() - make_interval(secs => :window_seconds)
  ORDER BY t.failed_at DESC
  OFFSET :limit - 1
  LIMIT 1
) f
