-- The line changes of one batch, to be added to the rollups: +1 for a line's new version, -1
-- for the version it supersedes. Emptied after every batch. The lag start and the denial
-- reason are defined here for every rollup that reads them, and again in the view a rebuild
-- reads instead (rollups_lines_as_delta.sql; the rollups property test keeps the two equal):
--   lag start = submitted_date, else service_date (SPEC 2.2 †);
--   reason = denial_reason_code, else text, else UNSPECIFIED (SPEC 3.2).
CREATE TEMP TABLE IF NOT EXISTS line_delta (
    sign smallint NOT NULL,
    payer text NOT NULL,
    cpt_group text NOT NULL,
    outcome text NOT NULL,
    service_date date,
    submitted_date date,
    decided_date date,
    payment_date date,
    billed_amount numeric(12, 2),
    allowed_amount numeric(12, 2),
    paid_amount numeric(12, 2),
    denial_reason_code text,
    denial_reason_text text,
    lag_start date GENERATED ALWAYS AS (coalesce(submitted_date, service_date)) STORED,
    reason text GENERATED ALWAYS AS (
        coalesce(nullif(btrim(denial_reason_code), ''), nullif(btrim(denial_reason_text), ''),
                 'UNSPECIFIED')
    ) STORED
) ON COMMIT DROP
