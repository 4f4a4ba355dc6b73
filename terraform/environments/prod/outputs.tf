# Read by cloudbuild.yaml (`terraform output -raw NAME`).

output "api_url" {
  description = "Public URL of the api."
  value       = module.upstream.api_url
}

output "api_candidate_url" {
  description = "URL of the api's candidate revision."
  value       = module.upstream.api_candidate_url
}

output "stable_release" {
  description = "Release serving the stable share."
  value       = module.upstream.stable_release
}

output "candidate_release" {
  description = "Release of the candidate revisions."
  value       = module.upstream.candidate_release
}

output "candidate_percent" {
  description = "Current candidate share."
  value       = module.upstream.candidate_percent
}

output "image_repository" {
  description = "Where the images are pushed."
  value       = module.upstream.image_repository
}

output "inbox_bucket" {
  description = "INBOX_BUCKET."
  value       = module.upstream.inbox_bucket
}

output "source_bucket" {
  description = "Release source archives."
  value       = module.upstream.source_bucket
}

output "sql_instance_name" {
  description = "Cloud SQL instance."
  value       = module.upstream.sql_instance_name
}

output "migrate_job" {
  description = "Migration job."
  value       = module.upstream.migrate_job
}

output "admin_job" {
  description = "One-off command job."
  value       = module.upstream.admin_job
}

output "db_app_logins" {
  description = "Logins granted the application role after migrations."
  value       = module.upstream.db_app_logins
}

output "services" {
  description = "Function => service, URL and revisions."
  value       = module.upstream.services
}

output "dead_letter_subscriptions" {
  description = "Dead-letter pull subscriptions."
  value       = module.upstream.dead_letter_subscriptions
}

output "portal_url" {
  description = "Public URL of the web portal (sign in at /)."
  value       = module.upstream.portal_url
}
