-- Lines per claim, for the design effect of measures a claim's lines share (decision days,
-- payment days): per (payer, cpt_group) the lines of each claim in that cell, and per payer
-- (cpt_group NULL) the lines of each claim. Read from the tenant's most recently loaded
-- lines (ids from first_id on, the newest sample_lines found by signal_claim_sample; PAID and
-- DENIED among them) so the cost is bounded whatever the tenant's size; the claims table has
-- no decided_date index by design (the products read the rollups). The (customer_id, id) row
-- range keeps the planner on ix_claims_customer_id_pk: walking the primary key backwards
-- through other tenants' newer lines was 10x slower. A line without a claim id is a claim of
-- its own.
-- Returns claims, lines and the sum of squared claim sizes (design effect of a value the
-- lines share = lines_sq / lines), and the denied lines d per claim as sums of d, d² and d·m
-- (the design effect of the denial rate: how far denials cluster within claims).
WITH recent AS (
    SELECT payer, cpt_group, coalesce(claim_id, line_key) AS claim, outcome = 'DENIED' AS denied
    FROM claims
    WHERE customer_id = :customer_id
      AND (customer_id, id) >= (CAST(:customer_id AS uuid), CAST(:first_id AS bigint))
      AND outcome IN ('PAID', 'DENIED')
),
sizes AS (
    SELECT payer, cpt_group, count(*) AS m, count(*) FILTER (WHERE denied) AS d
    FROM recent
    GROUP BY GROUPING SETS ((payer, cpt_group, claim), (payer, claim))
)
SELECT payer,
       cpt_group,
       count(*)::float8 AS claims,
       sum(m)::float8 AS lines,
       sum(m * m)::float8 AS lines_sq,
       sum(d)::float8 AS denied,
       sum(d * d)::float8 AS denied_sq,
       sum(d * m)::float8 AS denied_lines
FROM sizes
GROUP BY payer, cpt_group
