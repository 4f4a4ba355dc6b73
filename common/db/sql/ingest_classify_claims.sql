SELECT count(*) FILTER (WHERE c.id IS NULL) AS new_claims,
       count(*) FILTER (WHERE c.id IS NOT NULL AND c.content_hash <> s.content_hash) AS updated_claims,
       count(*) FILTER (WHERE c.content_hash = s.content_hash) AS unchanged_claims
FROM claim_stage_keyed s
LEFT JOIN claims c ON c.customer_id = :customer_id AND c.claim_key = s.claim_key
