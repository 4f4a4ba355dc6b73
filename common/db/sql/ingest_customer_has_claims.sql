SELECT EXISTS (SELECT 1 FROM claims WHERE customer_id = :customer_id)
