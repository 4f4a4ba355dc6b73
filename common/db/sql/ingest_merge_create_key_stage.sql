-- Line identities staged by earlier batches of this file, for duplicate.row across batches.
CREATE TEMP TABLE staged_keys (line_key text COLLATE "C" PRIMARY KEY) ON COMMIT DROP
