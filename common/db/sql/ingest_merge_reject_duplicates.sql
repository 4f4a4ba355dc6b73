-- A claim identity seen again later in the same batch is rejected as duplicate.row.
WITH repeated AS (
    SELECT line_key FROM claim_stage GROUP BY line_key HAVING count(*) > 1
), later AS (
    SELECT s.row_number
    FROM (
        SELECT row_number,
               row_number() OVER (PARTITION BY line_key ORDER BY row_number) AS occurrence
        FROM claim_stage JOIN repeated USING (line_key)
    ) s
    WHERE s.occurrence > 1
), dropped AS (
    DELETE FROM claim_stage s USING later WHERE s.row_number = later.row_number
    RETURNING s.row_number
)
INSERT INTO upload_rejections (customer_id, upload_id, row_number, column_name, rule, severity)
SELECT :customer_id, :upload_id, row_number, NULL, 'duplicate.row', 'error' FROM dropped
RETURNING row_number
