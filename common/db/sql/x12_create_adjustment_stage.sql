-- COPY cannot target an RLS table: each accepted 835 line's CAS adjustments are staged first.
CREATE TEMP TABLE adjustment_stage (
    row_number integer NOT NULL,
    line_key text COLLATE "C" NOT NULL,
    position smallint NOT NULL,
    group_code text NOT NULL,
    reason_code text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    family text NOT NULL
) ON COMMIT DROP
