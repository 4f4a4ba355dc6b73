-- The adjustments of the line versions this upload wrote (claims.upload_id is this upload: a
-- new or changed line; an unchanged re-sent line keeps its earlier version's adjustments). A
-- row the merge rejected as a repeat (duplicate.row) loaded nothing, so neither do its own.
INSERT INTO line_adjustments (
    customer_id, upload_id, line_key, position, group_code, reason_code, amount, family
)
SELECT :customer_id, :upload_id, a.line_key, a.position, a.group_code, a.reason_code, a.amount,
       a.family
FROM adjustment_stage a
JOIN claims c ON c.customer_id = :customer_id AND c.line_key = a.line_key
WHERE c.upload_id = :upload_id
  AND NOT EXISTS (
      SELECT 1 FROM upload_rejections r
      WHERE r.upload_id = :upload_id AND r.row_number = a.row_number AND r.rule = 'duplicate.row'
  )
ORDER BY a.line_key, a.position
