output "name" {
  description = "Cloud Run service name (the function name with dashes)."
  value       = google_cloud_run_v2_service.this.name
}

output "uri" {
  description = "Main URL of the service (routes by the traffic split)."
  value       = google_cloud_run_v2_service.this.uri
}

output "service_account_email" {
  description = "Runtime service account."
  value       = google_service_account.this.email
}

output "db_user" {
  description = "Cloud SQL IAM login of the service account."
  value       = google_sql_user.this.name
}

output "stable_revision" {
  description = "Revision receiving 100 - candidate_percent."
  value       = local.stable_revision
}

output "candidate_revision" {
  description = "Revision built from the template (candidate_release)."
  value       = local.candidate_revision
}

output "tag_urls" {
  description = "Traffic tag => its own URL (`candidate` reaches the candidate revision whatever its share)."
  value       = { for t in google_cloud_run_v2_service.this.traffic_statuses : t.tag => t.uri if t.tag != "" }
}
