"""ASC X12 835 remittance advice: tokenising, envelopes and the mapping to service lines."""
