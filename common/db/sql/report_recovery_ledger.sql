-- Recovered dollars from operator judgments: this month, the last 30 days, all time
-- (up to and including the report date; no recovered_date: the judgment's day counts).
WITH recovered AS (
    SELECT recovered_amount, coalesce(recovered_date, CAST(created_at AS date)) AS day
    FROM operator_judgments
    WHERE customer_id = :customer_id AND recovered_amount IS NOT NULL
)
SELECT
    coalesce(sum(recovered_amount) FILTER (
        WHERE day >= CAST(:month_start AS date) AND day <= CAST(:as_of AS date)), 0) AS this_month,
    coalesce(sum(recovered_amount) FILTER (
        WHERE day > CAST(:as_of AS date) - 30 AND day <= CAST(:as_of AS date)), 0) AS last_30_days,
    coalesce(sum(recovered_amount) FILTER (WHERE day <= CAST(:as_of AS date)), 0) AS all_time,
    count(*) FILTER (WHERE day <= CAST(:as_of AS date)) AS recoveries
FROM recovered
