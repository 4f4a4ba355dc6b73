INSERT INTO staged_keys (claim_key) SELECT claim_key FROM claim_stage
