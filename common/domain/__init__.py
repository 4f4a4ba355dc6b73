"""Pure domain code: parsing, validation, PHI rules, statistics, thresholds, messages."""
