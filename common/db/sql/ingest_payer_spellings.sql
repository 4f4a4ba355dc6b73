-- The payer names this customer's lines already carry, with how many lines each, so that a
-- file writing the same payer in other letter case (an 835's AETNA beside an export's Aetna)
-- loads it under the spelling the customer already has.
SELECT payer, sum(n_paid + n_denied + n_other) AS n
FROM claim_rollups
WHERE customer_id = :customer_id
GROUP BY payer
