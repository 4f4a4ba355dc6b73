-- How far one upload's signal fan-out has got, whichever process ran it (DESIGN 5b): the
-- ClaimsLoaded the upload queued (its outbox row names the upload; message_id is set once
-- published), the signal consumers that processed that message, those that dead-lettered or
-- refused it, and the episodes the runs opened. A run's ledger row and the signals it opens
-- commit in one transaction and so carry the same now(): that ties a signal to its run.
-- Run in the upload's tenant scope (signals are row-level secured).
WITH message AS (
    SELECT o.message_id
    FROM outbox o
    WHERE o.topic = 'claims-loaded'
      AND o.created_at >= (SELECT u.received_at FROM uploads u WHERE u.id = CAST(:upload_id AS uuid))
      AND o.payload::jsonb ->> 'upload_id' = CAST(:upload_id AS text)
), runs AS (
    SELECT pm.consumer, pm.processed_at
    FROM processed_messages pm
    JOIN message m ON m.message_id = pm.message_id
    WHERE pm.consumer = ANY(:consumers)
)
SELECT
    (SELECT count(*) FROM message) AS queued,
    (SELECT count(*) FROM runs) AS runs,
    (SELECT count(DISTINCT d.subscription)
       FROM dead_letters d JOIN message m ON m.message_id = d.message_id
      WHERE d.subscription = ANY(:dead_letter_names) AND d.replayed_at IS NULL) AS dead,
    (SELECT count(*)
       FROM signals s JOIN runs r
         ON s.created_at = r.processed_at AND r.consumer = 'signal_' || s.product) AS signals_created
