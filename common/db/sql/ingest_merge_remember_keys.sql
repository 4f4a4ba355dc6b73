INSERT INTO staged_keys (line_key) SELECT line_key FROM claim_stage
