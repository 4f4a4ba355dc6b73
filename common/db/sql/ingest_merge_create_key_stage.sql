-- Claim identities staged by earlier batches of this file, for duplicate.row across batches.
CREATE TEMP TABLE staged_keys (claim_key text PRIMARY KEY) ON COMMIT DROP
