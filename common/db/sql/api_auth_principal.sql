-- The caller behind a verified access token, in its tenant's transaction: the user must still
-- exist and be active (deactivation ends sessions at once), and the token's jti not be revoked.
SELECT u.id AS user_id,
       u.email,
       u.role,
       u.active AND c.active AS active,
       EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = CAST(:jti AS uuid)) AS revoked
FROM users u
JOIN customers c ON c.id = u.customer_id
WHERE u.id = CAST(:user_id AS uuid)
  AND u.customer_id = CAST(:customer_id AS uuid)
