-- For one signal: when the same (product, type, payer, key) last raised a live alert (from
-- another signal) inside the cooldown, and how many 'noise' verdicts that key got lately.
SELECT
    (SELECT max(a.created_at)
     FROM alerts a
     JOIN signals s ON s.id = a.signal_id
     WHERE a.customer_id = :customer_id
       AND s.product = :product AND s.type = :type AND s.payer = :payer
       AND s.key IS NOT DISTINCT FROM CAST(:key AS text)
       AND a.signal_id <> :signal_id
       AND a.status IN ('open', 'sent', 'acknowledged', 'resolved')
       AND a.created_at > :cooldown_since AND a.created_at <= :now) AS last_alert_at,
    (SELECT count(*)
     FROM operator_judgments j
     JOIN alerts a ON a.id = j.alert_id
     JOIN signals s ON s.id = a.signal_id
     WHERE j.customer_id = :customer_id
       AND j.verdict = 'noise'
       AND s.product = :product AND s.type = :type AND s.payer = :payer
       AND s.key IS NOT DISTINCT FROM CAST(:key AS text)
       AND j.created_at > :noise_since AND j.created_at <= :now) AS noise_judgments
