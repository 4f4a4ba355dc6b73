output "notification_channels" {
  description = "Channels every alert notifies."
  value       = local.channels
}

output "alert_policies" {
  description = "Alert policy ids."
  value = {
    dead_letters    = google_monitoring_alert_policy.dead_letters.id
    server_errors   = google_monitoring_alert_policy.server_errors.id
    ingest_failures = google_monitoring_alert_policy.ingest_failures.id
  }
}
