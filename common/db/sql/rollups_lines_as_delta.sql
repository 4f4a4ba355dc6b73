-- A rebuild reads one customer's lines as the delta itself (every line +1), through a view in
-- place of the line_delta table: copying a million lines into line_delta first cost about a
-- second. The customer id is a literal, checked as a UUID by the caller (a view takes no
-- parameters); row-level security on claims applies to the view's reads as well. lag_start
-- and reason are the generated columns of the line_delta table (rollups_create_line_delta.sql),
-- written out: change one, change both.
CREATE TEMP VIEW line_delta AS
SELECT 1::smallint AS sign, payer, cpt_group, outcome, service_date, submitted_date,
       decided_date, payment_date, billed_amount, allowed_amount, paid_amount,
       denial_reason_code, denial_reason_text,
       coalesce(submitted_date, service_date) AS lag_start,
       coalesce(nullif(btrim(denial_reason_code), ''), nullif(btrim(denial_reason_text), ''),
                'UNSPECIFIED') AS reason
FROM claims
WHERE customer_id = '{customer_id}'::uuid
