-- Accepted-row facts for the quality report, in one pass over the staged rows.
SELECT count(*) AS accepted,
       min(coalesce(decided_date, submitted_date, service_date)) AS date_min,
       max(coalesce(decided_date, submitted_date, service_date)) AS date_max,
       max(decided_date) AS newest_decided,
       count(*) FILTER (
           WHERE billed_amount IS NOT NULL AND allowed_amount IS NOT NULL
             AND paid_amount IS NOT NULL
             AND (outcome <> 'DENIED' OR denial_reason_code IS NOT NULL)
       ) AS complete_rows,
       count(*) FILTER (WHERE outcome = 'DENIED') AS denied,
       count(*) FILTER (WHERE outcome IN ('PAID', 'DENIED')) AS decided,
       count(*) FILTER (WHERE claim_id IS NULL) AS missing_claim_id,
       count(*) FILTER (WHERE submitted_date IS NULL) AS lag_from_service,
       count(*) FILTER (WHERE payment_date IS NULL AND outcome = 'PAID') AS missing_payment_date,
       count(*) FILTER (WHERE billed_amount IS NULL) AS missing_billed_amount,
       count(*) FILTER (WHERE allowed_amount IS NULL) AS missing_allowed_amount,
       count(*) FILTER (WHERE paid_amount IS NULL) AS missing_paid_amount,
       count(*) FILTER (
           WHERE outcome = 'DENIED' AND denial_reason_code IS NULL AND denial_reason_text IS NULL
       ) AS missing_denial_reason
FROM claim_stage
