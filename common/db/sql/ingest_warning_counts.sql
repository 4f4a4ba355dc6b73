-- Warnings of the rows that loaded, per rule (rows, first sample rows, columns), and in the
-- row with a NULL rule the number of rows with any warning. A row the merge rejected as a
-- repeat (duplicate.row) did not load, so its warnings do not count.
WITH loaded AS (
    SELECT f.row_number, f.rule, f.column_name
    FROM finding_stage f
    WHERE f.severity = 'warning'
      AND NOT EXISTS (
          SELECT 1 FROM upload_rejections r
          WHERE r.upload_id = :upload_id AND r.row_number = f.row_number
            AND r.rule = 'duplicate.row'
      )
)
SELECT rule,
       count(DISTINCT row_number) AS rows,
       (array_agg(DISTINCT row_number ORDER BY row_number))[1:CAST(:samples AS integer)] AS samples,
       array_agg(DISTINCT column_name) AS columns
FROM loaded
GROUP BY GROUPING SETS ((rule), ())
