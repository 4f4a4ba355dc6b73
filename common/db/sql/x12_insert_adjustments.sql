-- The adjustments of the line versions this upload wrote (claims.upload_id is this upload: a
-- new or changed line; an unchanged re-sent line keeps its earlier version's adjustments).
-- Within the file the first row of a line identity is the one that loaded (SPEC 2.5).
INSERT INTO line_adjustments (
    customer_id, upload_id, line_key, position, group_code, reason_code, amount, family
)
SELECT :customer_id, :upload_id, a.line_key, a.position, a.group_code, a.reason_code, a.amount,
       a.family
FROM (
    SELECT s.*, min(s.row_number) OVER (PARTITION BY s.line_key) AS first_row
    FROM adjustment_stage s
) a
JOIN claims c ON c.customer_id = :customer_id AND c.line_key = a.line_key
WHERE c.upload_id = :upload_id AND a.row_number = a.first_row
ORDER BY a.line_key, a.position
