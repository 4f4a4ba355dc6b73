-- The days the customer's data covers: the first and the newest decided date (inclusive), and
-- the first day a decided line's lag starts (submitted_date, else service_date). A trend week
-- is plotted only when it lies wholly inside them (services/reports/trends.py).
SELECT (SELECT min(day) FROM claim_rollups
        WHERE customer_id = :customer_id AND n_decided > 0) AS first_day,
       (SELECT max(day) FROM claim_rollups
        WHERE customer_id = :customer_id AND n_decided > 0) AS last_day,
       (SELECT min(day - lag_days) FROM claim_rollups_groups
        WHERE customer_id = :customer_id AND n > 0) AS first_lag_start
