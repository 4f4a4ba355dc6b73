-- The tenant's newest sample_lines lines by id (through ix_claims_customer_id_pk alone): the
-- first and last id of the sample signal_claim_sizes reads. The pair names the sample, so a
-- design effect measured on it can be reused until new lines arrive.
SELECT min(id) AS first_id, max(id) AS last_id
FROM (
    SELECT id
    FROM claims
    WHERE customer_id = :customer_id
    ORDER BY customer_id DESC, id DESC
    LIMIT :sample_lines
) newest
