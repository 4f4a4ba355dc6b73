-- Drop a customer's rollup before it is rebuilt (same transaction).
DELETE FROM claim_rollups WHERE customer_id = CAST(:customer_id AS uuid)
