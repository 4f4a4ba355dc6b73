-- The customer's first upload: every line it loaded is new, so every accepted row's
-- adjustments belong to its line, except a repeat's (duplicate.row), which loaded nothing.
INSERT INTO line_adjustments (
    customer_id, upload_id, line_key, position, group_code, reason_code, amount, family
)
SELECT :customer_id, :upload_id, a.line_key, a.position, a.group_code, a.reason_code, a.amount,
       a.family
FROM adjustment_stage a
WHERE NOT EXISTS (
    SELECT 1 FROM upload_rejections r
    WHERE r.upload_id = :upload_id AND r.row_number = a.row_number AND r.rule = 'duplicate.row'
)
ORDER BY a.line_key, a.position
