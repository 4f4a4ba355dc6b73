-- COPY cannot target an RLS table: findings are staged, then inserted with the tenant checked.
CREATE TEMP TABLE finding_stage (
    row_number integer NOT NULL,
    column_name text,
    rule text NOT NULL,
    severity text NOT NULL
) ON COMMIT DROP
